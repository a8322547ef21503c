import { useState, type FormEvent } from "react";
import type { Role } from "../api";
import { grantableRoles, roleLabel } from "../roles";
import { ErrorBanner } from "./ErrorBanner";
import { Field } from "./Field";

interface InviteFormProps {
  actorRole: Role | null;
  onInvite: (invitee: string, role: Role) => Promise<void>;
}

export function InviteForm({ actorRole, onInvite }: InviteFormProps) {
  const [invitee, setInvitee] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onInvite(invitee.trim(), role);
      setInvitee("");
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form-inline" onSubmit={submit} noValidate aria-label="Invite a member">
      <ErrorBanner error={error} fieldNames={["invitee", "role"]} />
      <Field label="Username or email" name="invitee" error={error}>
        {(control) => (
          <input
            {...control}
            value={invitee}
            onChange={(e) => setInvitee(e.target.value)}
            autoComplete="off"
            required
          />
        )}
      </Field>
      <Field label="Role" name="role" error={error}>
        {(control) => (
          <select {...control} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantableRoles(actorRole).map((option) => (
              <option key={option} value={option}>
                {roleLabel(option)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          Invite
        </button>
      </div>
    </form>
  );
}
