import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetApiStateForTests, type Job } from "../../api";
import { clearCookies, mockFetch } from "../../test/http";
import { page, renderPage } from "../test/renderPage";
import { GlossingAids } from "./GlossingAids";

const job = (state: Job["state"], progress: number, result: Job["result"] = null): Job => ({
  id: "j1",
  project: "p",
  kind: "linguistic.link",
  state,
  progress,
  message: "",
  result,
  error: null,
  created_at: "2026-01-01T00:00:00Z",
  started_at: null,
  finished_at: null,
});

function open() {
  const summary = screen.getByText("Glossing aids");
  const details = summary.closest("details")!;
  details.open = true;
  fireEvent(details, new Event("toggle"));
}

describe("GlossingAids", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("reads nothing until opened, then lists unknown grams and forms glossed several ways", async () => {
    const calls = mockFetch((call) => {
      const path = call.url.split("?")[0];
      if (path === "/api/v1/projects/p/glossing/check/") {
        return {
          status: 200,
          body: page([
            { utterance: "u1", text: "t1", order: 0, word: 1, morpheme: 0, gloss: "dog.XYZ", unknown: ["XYZ"] },
            { utterance: "u5", text: "t2", order: 4, word: 0, morpheme: null, gloss: "ABC-go", unknown: ["ABC"] },
          ]),
        };
      }
      if (path === "/api/v1/projects/p/glossing/consistency/") {
        return {
          status: 200,
          body: page([
            {
              form: "s",
              glosses: { PL: 5, "3SG": 2 },
              examples: { PL: [{ text: "t2", utterance: "u8", word: 0, morpheme: 1 }], "3SG": [] },
            },
          ]),
        };
      }
      return undefined;
    });
    renderPage("texts/:id", "/projects/p/texts/t1", (
      <GlossingAids slug="p" textId="t1" canEdit={false} onLinked={() => {}} onEntriesCreated={() => {}} />
    ));
    expect(calls).toHaveLength(0);
    open();
    // Opened, the aids hold the focus (a viewer has no control in them before the lists come)
    expect(document.activeElement).toBe(screen.getByRole("group", { name: "Glossing aids" }));

    const check = await screen.findByTestId("gloss-check");
    await waitFor(() => expect(within(check).getAllByRole("row")).toHaveLength(3));
    const rows = within(check).getAllByRole("row").slice(1);
    expect(rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["(1) this text", "dog.XYZ", "XYZ"],
      ["(5) ", "ABC-go", "ABC"],
    ]);
    expect(within(rows[1]!).getByRole("link").getAttribute("href")).toBe("/projects/p/texts/t2?u=u5");

    const forms = screen.getByTestId("gloss-consistency");
    await waitFor(() => expect(within(forms).getAllByRole("listitem")).toHaveLength(2));
    expect(within(forms).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["PL ×5 example", "3SG ×2 "]);
    expect(within(forms).getByRole("link", { name: "example" }).getAttribute("href")).toBe("/projects/p/texts/t2?u=u8");
    expect(screen.queryByRole("button", { name: "Link morphemes to the lexicon" })).toBeNull();
    expect(calls.map((c) => c.url)).toEqual([
      "/api/v1/projects/p/glossing/check/?page=1",
      "/api/v1/projects/p/glossing/consistency/?page=1",
    ]);
  });

  it("creates entries, then runs auto-link as a job with progress and its result", async () => {
    let polls = 0;
    const calls = mockFetch((call) => {
      const path = call.url.split("?")[0];
      if (path === "/api/v1/auth/csrf/") {
        document.cookie = "csrftoken=t";
        return { status: 204 };
      }
      if (path === "/api/v1/projects/p/glossing/check/" || path === "/api/v1/projects/p/glossing/consistency/") {
        return { status: 200, body: page([]) };
      }
      if (path === "/api/v1/projects/p/glossing/create-entries/") return { status: 200, body: { created: 3 } };
      if (path === "/api/v1/projects/p/glossing/link/") return { status: 202, body: job("queued", 0) };
      if (path === "/api/v1/jobs/j1/") {
        polls += 1;
        return polls === 1
          ? { status: 200, body: job("running", 0.5) }
          : { status: 200, body: job("succeeded", 1, { linked: 7, ambiguous: 2, unmatched: 1, utterances: 4 }) };
      }
      return undefined;
    });
    const onLinked = vi.fn();
    const onEntriesCreated = vi.fn();
    renderPage("texts/:id", "/projects/p/texts/t1", (
      <GlossingAids slug="p" textId="t1" canEdit onLinked={onLinked} onEntriesCreated={onEntriesCreated} />
    ));
    open();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Create missing lexicon entries" }));
    await screen.findByText("Every gram is a Leipzig gram.");

    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create missing lexicon entries" }));
    });
    expect(await screen.findByText("Created 3 entries.")).toBeTruthy();
    expect(onEntriesCreated).toHaveBeenCalledTimes(1);
    expect(calls.find((c) => c.url.endsWith("/create-entries/"))?.body).toEqual({ gloss_lang: "en" });

    fireEvent.click(screen.getByRole("checkbox"));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Link morphemes to the lexicon" }));
    });
    expect(calls.find((c) => c.url.endsWith("/glossing/link/"))?.body).toEqual({ relink: true });
    const progress = await screen.findByRole("progressbar", { name: "Linking progress" });
    await waitFor(() => expect(progress.getAttribute("aria-valuenow")).toBe("50"));
    expect(onLinked).not.toHaveBeenCalled();

    const result = await screen.findByTestId("link-result", {}, { timeout: 3000 });
    expect(result.textContent).toBe("Linked 7 morphemes (2 ambiguous, 1 unmatched); 4 utterances saved.");
    expect(onLinked).toHaveBeenCalledTimes(1);
    // The lists are read again after the link
    await waitFor(() => expect(calls.filter((c) => c.url.includes("/glossing/check/"))).toHaveLength(2));
  });
});
