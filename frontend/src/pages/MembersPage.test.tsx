import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests, type Member, type Project, type Role } from "../api";
import { App } from "../App";
import { SessionProvider } from "../session";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { clearCookies, mockFetch, type Recorded } from "../test/http";

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

function project(role: Role | null): Project {
  return {
    slug: "ainu",
    name: "Ainu texts",
    description: "",
    object_languages: ["ain"],
    visibility: "private",
    created_at: "2026-01-01T00:00:00Z",
    my_role: role,
    member_count: 2,
  };
}

const member = (username: string, role: Role): Member => ({
  username,
  email: `${username}@example.org`,
  role,
  joined_at: "2026-01-01T00:00:00Z",
});

/** A small fake of the API for one project, as seen by `username` holding `role`. */
function fakeServer(username: string, role: Role | null, members: Member[]): Recorded[] {
  return mockFetch((call) => {
    const path = call.url.split("?")[0];
    if (path === "/api/v1/auth/csrf/") {
      document.cookie = "csrftoken=t";
      return { status: 204 };
    }
    if (path === "/api/v1/auth/me/")
      return role === null && username === ""
        ? { status: 401, body: { error: "not_authenticated", detail: "Log in.", fields: {} } }
        : { status: 200, body: { id: 1, username, email: `${username}@example.org` } };
    if (path === "/api/v1/invitations/") return { status: 200, body: page([]) };
    if (path === "/api/v1/projects/ainu/") return { status: 200, body: project(role) };
    if (path === "/api/v1/projects/ainu/members/") return { status: 200, body: page(members) };
    if (path === "/api/v1/projects/ainu/invitations/" && call.method === "GET")
      return { status: 200, body: page([]) };
    return undefined;
  });
}

function renderApp(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </MemoryRouter>,
  );
}

beforeEach(() => {
  resetApiStateForTests();
  clearCookies();
  FakeWebSocket.install();
});

describe("members page", () => {
  it("sends logged-out visitors to the login form", async () => {
    fakeServer("", null, []);

    renderApp("/projects/ainu/members");

    expect(await screen.findByRole("button", { name: "Log in" })).toBeTruthy();
    expect(screen.getByLabelText("Username")).toBeTruthy();
    expect(screen.getByLabelText("Password")).toBeTruthy();
  });

  it("shows a viewer the members but no controls, and never asks for invitations", async () => {
    const calls = fakeServer("vic", "viewer", [member("olga", "owner"), member("vic", "viewer")]);

    renderApp("/projects/ainu/members");

    const table = await screen.findByTestId("members-table");
    expect(within(table).getByText("olga@example.org")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Leave project" })).toBeTruthy();
    expect(screen.queryByLabelText("Username or email")).toBeNull();
    expect(screen.queryAllByRole("combobox")).toHaveLength(0);
    expect(screen.queryByRole("button", { name: "Remove" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Audit log" })).toBeNull();
    expect(calls.some((call) => call.url.includes("/projects/ainu/invitations/"))).toBe(false);
  });

  it("gives a manager the invite form without the owner role", async () => {
    fakeServer("mona", "manager", [member("olga", "owner"), member("mona", "manager")]);

    renderApp("/projects/ainu/members");

    const role = await screen.findByLabelText("Role");
    expect(Array.from((role as HTMLSelectElement).options).map((o) => o.value)).toEqual([
      "manager",
      "annotator",
      "viewer",
    ]);
    expect(screen.getByLabelText("Username or email")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Invite" })).toBeTruthy();
    expect(screen.getByTestId("no-pending-invitations")).toBeTruthy();
  });

  it("reloads members when the project socket says membership changed", async () => {
    const members = [member("olga", "owner")];
    fakeServer("olga", "owner", members);
    renderApp("/projects/ainu/members");
    await screen.findByTestId("member-row-olga");
    const socket = FakeWebSocket.last();
    expect(socket.url).toMatch(/\/ws\/projects\/ainu\/\?tab=[0-9a-f]+$/);

    members.push(member("anna", "annotator"));
    act(() => socket.receive({ type: "membership.changed", username: "anna" }));

    expect(await screen.findByTestId("member-row-anna")).toBeTruthy();
  });

  it("asks before leaving", async () => {
    fakeServer("vic", "viewer", [member("vic", "viewer")]);
    renderApp("/projects/ainu/members");

    fireEvent.click(await screen.findByRole("button", { name: "Leave project" }));

    await waitFor(() => expect(screen.getByRole("button", { name: "Yes, leave" })).toBeTruthy());
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("button", { name: "Leave project" })).toBeTruthy();
  });
});
