import { describe, expect, it } from "vitest";
import { canEditMember, canManage, grantableRoles, hasRole } from "./roles";

describe("roles", () => {
  it("ranks owner > manager > annotator > viewer", () => {
    expect(hasRole("owner", "manager")).toBe(true);
    expect(hasRole("manager", "manager")).toBe(true);
    expect(hasRole("annotator", "manager")).toBe(false);
    expect(hasRole(null, "viewer")).toBe(false);
    expect(canManage("viewer")).toBe(false);
  });

  it("lets only owners grant the owner role or touch owners", () => {
    expect(grantableRoles("owner")).toEqual(["owner", "manager", "annotator", "viewer"]);
    expect(grantableRoles("manager")).toEqual(["manager", "annotator", "viewer"]);
    expect(grantableRoles("annotator")).toEqual([]);
    expect(canEditMember("owner", "owner")).toBe(true);
    expect(canEditMember("manager", "owner")).toBe(false);
    expect(canEditMember("manager", "annotator")).toBe(true);
    expect(canEditMember("viewer", "viewer")).toBe(false);
  });
});
