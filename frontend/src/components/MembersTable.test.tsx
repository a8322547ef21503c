import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Member, Role } from "../api";
import { MembersTable } from "./MembersTable";

const members: Member[] = [
  { username: "olga", email: "olga@example.org", role: "owner", joined_at: "2026-01-01T00:00:00Z" },
  { username: "mona", email: "mona@example.org", role: "manager", joined_at: "2026-01-02T00:00:00Z" },
  { username: "anna", email: "anna@example.org", role: "annotator", joined_at: "2026-01-03T00:00:00Z" },
  { username: "vic", email: "vic@example.org", role: "viewer", joined_at: "2026-01-04T00:00:00Z" },
];

function renderAs(actorRole: Role | null, currentUsername: string) {
  const onRoleChange = vi.fn();
  const onRemove = vi.fn();
  render(
    <MembersTable
      members={members}
      actorRole={actorRole}
      currentUsername={currentUsername}
      onRoleChange={onRoleChange}
      onRemove={onRemove}
    />,
  );
  return { onRoleChange, onRemove };
}

const row = (username: string) => screen.getByTestId(`member-row-${username}`);
const optionsOf = (select: HTMLElement) =>
  within(select)
    .getAllByRole("option")
    .map((option) => (option as HTMLOptionElement).value);

describe("MembersTable", () => {
  it("shows username, email and role to everyone", () => {
    renderAs("viewer", "vic");

    expect(within(row("anna")).getByText("anna@example.org")).toBeTruthy();
    expect(within(row("anna")).getByText("Annotator")).toBeTruthy();
  });

  it("gives viewers and annotators no member controls", () => {
    for (const role of ["viewer", "annotator"] as const) {
      renderAs(role, "vic");

      expect(screen.queryAllByRole("combobox")).toHaveLength(0);
      expect(screen.queryAllByRole("button", { name: "Remove" })).toHaveLength(0);
      document.body.innerHTML = "";
    }
  });

  it("lets an owner change every role, including granting owner, and remove others", () => {
    const { onRoleChange, onRemove } = renderAs("owner", "olga");

    const select = screen.getByLabelText("Permission level for anna");
    expect(optionsOf(select)).toEqual(["owner", "manager", "annotator", "viewer"]);
    expect(screen.getByLabelText("Permission level for olga")).toBeTruthy();
    // Leaving, not removing, is how one exits a project.
    expect(within(row("olga")).queryByRole("button", { name: "Remove" })).toBeNull();
    expect(screen.getAllByRole("button", { name: "Remove" })).toHaveLength(3);

    fireEvent.change(select, { target: { value: "manager" } });
    fireEvent.click(within(row("vic")).getByRole("button", { name: "Remove" }));

    expect(onRoleChange).toHaveBeenCalledWith(members[2], "manager");
    expect(onRemove).toHaveBeenCalledWith(members[3]);
  });

  it("keeps managers away from owners and from the owner role", () => {
    renderAs("manager", "mona");

    expect(screen.queryByLabelText("Permission level for olga")).toBeNull();
    expect(within(row("olga")).queryByRole("button", { name: "Remove" })).toBeNull();
    expect(optionsOf(screen.getByLabelText("Permission level for anna"))).toEqual([
      "manager",
      "annotator",
      "viewer",
    ]);
    expect(within(row("vic")).getByRole("button", { name: "Remove" })).toBeTruthy();
  });
});
