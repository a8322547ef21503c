import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, type MyInvitation, type Project } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { formatDate } from "../format";
import { useLoad } from "../hooks/useLoad";
import { roleLabel } from "../roles";
import { useSession } from "../session";

export function InvitationsPage() {
  const { refreshInvitations } = useSession();
  const invitations = useLoad(() => api.invitations.list(), []);
  const [error, setError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [joined, setJoined] = useState<Project[]>([]);
  const [params, setParams] = useSearchParams();
  const token = params.get("token");

  // A link mailed for an invitation by email: claim it, then list it with the others.
  useEffect(() => {
    if (!token) return;
    setParams({}, { replace: true });
    api.invitations.claim(token).then(
      () => {
        invitations.reload();
        refreshInvitations();
      },
      (reason: unknown) => setError(reason),
    );
  }, [token]);

  const answer = async (invitation: MyInvitation, accept: boolean) => {
    setBusyId(invitation.id);
    setError(null);
    try {
      if (accept) {
        const project = await api.invitations.accept(invitation.id);
        setJoined((previous) => [...previous, project]);
      } else {
        await api.invitations.decline(invitation.id);
      }
      invitations.setData((invitations.data ?? []).filter((i) => i.id !== invitation.id));
    } catch (reason) {
      setError(reason);
      invitations.reload();
    } finally {
      setBusyId(null);
      refreshInvitations();
    }
  };

  return (
    <div className="page">
      <h1>Invitations</h1>
      <ErrorBanner error={error ?? invitations.error} onDismiss={() => setError(null)} />
      {joined.map((project) => (
        <p key={project.slug} className="banner banner-success" role="status">
          You joined <Link to={`/projects/${project.slug}`}>{project.name}</Link> as{" "}
          {roleLabel(project.my_role)}.
        </p>
      ))}
      {invitations.loading && !invitations.data && <p className="loading">Loading…</p>}
      {invitations.data && invitations.data.length === 0 && (
        <p className="empty">You have no pending invitations.</p>
      )}
      {invitations.data && invitations.data.length > 0 && (
        <ul className="list" data-testid="my-invitations">
          {invitations.data.map((invitation) => (
            <li key={invitation.id} data-testid={`my-invitation-${invitation.id}`}>
              <span className="list-main">
                <strong>{invitation.project.name}</strong> as {roleLabel(invitation.role)}
              </span>
              <span className="muted">
                from {invitation.invited_by}, {formatDate(invitation.created_at)}
              </span>
              <span className="list-actions">
                <button
                  type="button"
                  className="button-small"
                  disabled={busyId === invitation.id}
                  onClick={() => answer(invitation, true)}
                >
                  Accept
                </button>
                <button
                  type="button"
                  className="button-secondary button-small"
                  disabled={busyId === invitation.id}
                  onClick={() => answer(invitation, false)}
                >
                  Decline
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
