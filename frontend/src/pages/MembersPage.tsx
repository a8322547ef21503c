import { useState } from "react";
import { useNavigate } from "react-router";
import { api, type Invitation, type Member, type Role } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { InviteForm } from "../components/InviteForm";
import { MembersTable } from "../components/MembersTable";
import { formatDate } from "../format";
import { useLoad } from "../hooks/useLoad";
import { canManage, roleLabel } from "../roles";
import { useSession } from "../session";
import { useProjectContext } from "./ProjectLayout";

export function MembersPage() {
  const { project, reloadProject, membershipVersion } = useProjectContext();
  const { user } = useSession();
  const navigate = useNavigate();
  const manager = canManage(project.my_role);
  const members = useLoad(() => api.members.list(project.slug), [project.slug, membershipVersion]);
  const invitations = useLoad<Invitation[]>(
    () => (manager ? api.projectInvitations.list(project.slug) : Promise.resolve([])),
    [project.slug, manager, membershipVersion],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);

  /** Run one change, show its error, and refresh what it may have touched. */
  const act = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await change();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
      members.reload();
      invitations.reload();
      reloadProject();
    }
  };

  const changeRole = (member: Member, role: Role) =>
    act(() => api.members.setRole(project.slug, member.username, role));
  const remove = (member: Member) => act(() => api.members.remove(project.slug, member.username));
  const revoke = (invitation: Invitation) =>
    act(() => api.projectInvitations.revoke(project.slug, invitation.id));

  const invite = async (invitee: string, role: Role) => {
    await api.projectInvitations.create(project.slug, invitee, role);
    invitations.reload();
  };

  const leave = async () => {
    setError(null);
    try {
      await api.projects.leave(project.slug);
      navigate("/", { replace: true });
    } catch (reason) {
      setError(reason);
      setConfirmLeave(false);
    }
  };

  const pending = (invitations.data ?? []).filter((i) => i.status === "pending");

  return (
    <div className="stack">
      <ErrorBanner error={error ?? members.error} onDismiss={() => setError(null)} />
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {members.data ? (
          <MembersTable
            members={members.data}
            actorRole={project.my_role}
            currentUsername={user?.username ?? ""}
            onRoleChange={changeRole}
            onRemove={remove}
            busy={busy}
          />
        ) : (
          members.loading && <p className="loading">Loading…</p>
        )}
        {project.my_role && (
          <div className="form-actions">
            {confirmLeave ? (
              <>
                <span>Leave {project.name}? You will need a new invitation to come back.</span>
                <button type="button" className="button-danger" onClick={leave}>
                  Yes, leave
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => setConfirmLeave(false)}
                >
                  Cancel
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button-secondary"
                onClick={() => setConfirmLeave(true)}
              >
                Leave project
              </button>
            )}
          </div>
        )}
      </section>

      {manager && (
        <section className="panel" aria-labelledby="invite-heading">
          <h2 id="invite-heading">Invite</h2>
          <InviteForm actorRole={project.my_role} onInvite={invite} />
          <h3 id="pending-heading">Pending invitations</h3>
          <ErrorBanner error={invitations.error} />
          {pending.length === 0 ? (
            <p className="empty" data-testid="no-pending-invitations">
              No pending invitations.
            </p>
          ) : (
            <ul className="list" aria-labelledby="pending-heading" data-testid="pending-invitations">
              {pending.map((invitation) => (
                <li key={invitation.id} data-testid={`invitation-${invitation.id}`}>
                  <span className="list-main">
                    <strong className="invitee">{invitation.invitee}</strong> as{" "}
                    {roleLabel(invitation.role)}
                  </span>
                  <span className="muted">
                    by {invitation.invited_by}, {formatDate(invitation.created_at)}
                  </span>
                  <button
                    type="button"
                    className="button-secondary button-small"
                    disabled={busy}
                    onClick={() => revoke(invitation)}
                  >
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
