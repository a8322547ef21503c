import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../api";
import { project, page } from "../linguistic/test/renderPage";
import { clearCookies, mockFetch } from "../test/http";
import { GetStarted } from "./GetStarted";

function serve(texts: number, videos: number) {
  return mockFetch((call) => {
    const path = call.url.split("?")[0];
    if (path === "/api/v1/projects/p/texts/") return { status: 200, body: page([], { count: texts }) };
    if (path === "/api/v1/projects/p/videos/") return { status: 200, body: Array.from({ length: videos }, (_, i) => ({ id: `v${i}` })) };
    return undefined;
  });
}

describe("GetStarted", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("tells a manager of an empty project to import, upload and invite", async () => {
    serve(0, 0);
    render(
      <MemoryRouter>
        <GetStarted project={{ ...project, my_role: "manager" }} />
      </MemoryRouter>,
    );
    const panel = await screen.findByTestId("get-started");
    expect(within(panel).getAllByRole("link").map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["Import a text", "/projects/p/texts"],
      ["Upload a face video", "/projects/p/videos"],
      ["Invite your team", "/projects/p/members"],
    ]);
  });

  it("shows nothing once the project has texts and videos", async () => {
    const calls = serve(3, 1);
    const { container, rerender } = render(
      <MemoryRouter>
        <GetStarted project={{ ...project, my_role: "manager" }} />
      </MemoryRouter>,
    );
    await waitFor(() => expect(calls).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    rerender(
      <MemoryRouter>
        <GetStarted project={{ ...project, my_role: "manager" }} />
      </MemoryRouter>,
    );
    expect(container.innerHTML).toBe("");
  });
});
