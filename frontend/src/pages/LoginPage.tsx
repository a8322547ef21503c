import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate, type Location } from "react-router";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { useSession } from "../session";

/** Where to go after logging in: the page that sent us here, never back to the auth pages. */
function returnPath(state: unknown): string {
  const from = (state as { from?: Location } | null)?.from;
  if (!from || from.pathname === "/login" || from.pathname === "/register") return "/";
  return from.pathname + from.search + from.hash;
}

export function LoginPage() {
  const { user, login } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to={returnPath(location.state)} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      navigate(returnPath(location.state), { replace: true });
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <section className="auth-card">
      <h1>Log in</h1>
      <ErrorBanner error={error} fieldNames={["username", "password"]} />
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
        <Field label="Password" name="password" error={error}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            Log in
          </button>
          <Link to="/register">Create an account</Link>
        </div>
      </form>
    </section>
  );
}
