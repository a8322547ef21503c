import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { useSession } from "../session";

export function RegisterPage() {
  const { user, register } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to="/" replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await register(username, email, password);
      navigate("/", { replace: true });
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <section className="auth-card">
      <h1>Create an account</h1>
      <ErrorBanner error={error} fieldNames={["username", "email", "password"]} />
      <form onSubmit={onSubmit} className="form" noValidate>
        <Field label="Username" name="username" error={error}>
          {(control) => (
            <input
              {...control}
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Email" name="email" error={error}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Password" name="password" error={error}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            Create account
          </button>
          <Link to="/login">I already have an account</Link>
        </div>
      </form>
    </section>
  );
}
