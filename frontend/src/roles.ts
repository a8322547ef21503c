import type { Role } from "./api";

/** Roles from most to least powerful; the server ranks them the same way. */
export const ROLES: readonly Role[] = ["owner", "manager", "annotator", "viewer"];

const RANK: Record<Role, number> = { owner: 4, manager: 3, annotator: 2, viewer: 1 };

export function hasRole(role: Role | null | undefined, atLeast: Role): boolean {
  return role != null && RANK[role] >= RANK[atLeast];
}

export const canManage = (role: Role | null | undefined): boolean => hasRole(role, "manager");
export const isOwner = (role: Role | null | undefined): boolean => role === "owner";

/** Roles `actor` may hand out: managers may not grant the owner role, only owners may. */
export function grantableRoles(actor: Role | null | undefined): Role[] {
  if (isOwner(actor)) return [...ROLES];
  if (canManage(actor)) return ROLES.filter((role) => role !== "owner");
  return [];
}

/** Whether `actor` may change the role of, or remove, a member who currently has `target`. */
export function canEditMember(actor: Role | null | undefined, target: Role): boolean {
  if (isOwner(actor)) return true;
  return canManage(actor) && target !== "owner";
}

export function roleLabel(role: Role | null | undefined): string {
  if (!role) return "—";
  return role.charAt(0).toUpperCase() + role.slice(1);
}
