import type { Member, Role } from "../api";
import { formatDate } from "../format";
import { canEditMember, grantableRoles, roleLabel } from "../roles";

interface MembersTableProps {
  members: Member[];
  /** The viewing user's role in the project; decides which controls appear. */
  actorRole: Role | null;
  currentUsername: string;
  onRoleChange: (member: Member, role: Role) => void;
  onRemove: (member: Member) => void;
  busy?: boolean;
}

export function MembersTable({
  members,
  actorRole,
  currentUsername,
  onRoleChange,
  onRemove,
  busy = false,
}: MembersTableProps) {
  const grantable = grantableRoles(actorRole);
  return (
    <table className="table" data-testid="members-table">
      <thead>
        <tr>
          <th scope="col">Username</th>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Joined</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => {
          const editable = canEditMember(actorRole, member.role);
          const self = member.username === currentUsername;
          return (
            <tr key={member.username} data-testid={`member-row-${member.username}`}>
              <td>
                {member.username}
                {self && <span className="muted"> (you)</span>}
              </td>
              <td>{member.email}</td>
              <td>
                {editable ? (
                  <select
                    aria-label={`Permission level for ${member.username}`}
                    value={member.role}
                    disabled={busy}
                    onChange={(e) => onRoleChange(member, e.target.value as Role)}
                  >
                    {/* Keep the current role listed even where it is not grantable. */}
                    {(grantable.includes(member.role) ? grantable : [member.role, ...grantable]).map(
                      (role) => (
                        <option key={role} value={role}>
                          {roleLabel(role)}
                        </option>
                      ),
                    )}
                  </select>
                ) : (
                  roleLabel(member.role)
                )}
              </td>
              <td>{formatDate(member.joined_at)}</td>
              <td className="actions">
                {editable && !self && (
                  <button
                    type="button"
                    className="button-secondary button-small"
                    disabled={busy}
                    data-testid={`remove-${member.username}`}
                    onClick={() => onRemove(member)}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
