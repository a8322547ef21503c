import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../../api";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { clearCookies, mockFetch } from "../../test/http";
import type { DictionaryEntry, Entry } from "../api";
import { page, renderPage } from "../test/renderPage";
import { LexiconPage, SEARCH_DEBOUNCE_MS } from "./LexiconPage";

const entry = (id: string, form: string, gloss: string): DictionaryEntry => ({
  id,
  version: 1,
  entry_id: `lex-${id}`,
  forms: { eng: form },
  senses: [{ id: "s1", gloss: { en: gloss } }],
  examples: [],
});

const listed = () =>
  within(screen.getByTestId("lexicon-list"))
    .queryAllByRole("listitem")
    .map((li) => li.textContent?.replace(/\s+/g, " "));

describe("LexiconPage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
    FakeWebSocket.install();
  });

  it("searches through the server after typing pauses, and pages the results", async () => {
    const calls = mockFetch((call) => {
      const url = new URL(call.url, "http://x");
      if (url.pathname === "/api/v1/projects/p/lexicon/e2/") {
        return { status: 200, body: { id: "e2", version: 3, forms: { eng: "go" }, senses: [{ id: "s1", gloss: { en: "walk" } }] } };
      }
      if (url.pathname !== "/api/v1/projects/p/dictionary/") return undefined;
      const q = url.searchParams.get("q");
      if (q === "") return { status: 200, body: page([entry("e1", "dog", "dog")]) };
      if (url.searchParams.get("page") === "1") {
        return { status: 200, body: page([entry("e2", "go", "walk")], { next: "n", count: 2 }) };
      }
      return { status: 200, body: page([entry("e3", "gone", "away")], { previous: "p", count: 2 }) };
    });
    renderPage("lexicon", "/projects/p/lexicon", <LexiconPage />);
    await waitFor(() => expect(listed()).toEqual(["dog dog"]));

    const search = screen.getByLabelText("Search the lexicon");
    fireEvent.change(search, { target: { value: "g" } });
    fireEvent.change(search, { target: { value: "go " } });
    await waitFor(() => expect(listed()).toEqual(["go walk"]), { timeout: SEARCH_DEBOUNCE_MS * 4 });
    const searches = () => calls.map((c) => c.url).filter((u) => u.includes("/dictionary/"));
    // One request for what was typed once typing paused, none per keystroke
    expect(searches()).toEqual([
      "/api/v1/projects/p/dictionary/?q=&page=1",
      "/api/v1/projects/p/dictionary/?q=go&page=1",
    ]);

    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(listed()).toEqual(["gone away"]));
    expect(searches().at(-1)).toBe("/api/v1/projects/p/dictionary/?q=go&page=2");

    fireEvent.click(screen.getByRole("button", { name: "Previous" }));
    await waitFor(() => expect(listed()).toEqual(["go walk"]));
    fireEvent.click(screen.getByRole("button", { name: "go" }));
    // The editor works on the stored entry, read by id
    expect(await screen.findByText("Version 3")).toBeTruthy();
    expect((screen.getByLabelText("Headword") as HTMLInputElement).value).toBe("go");
    expect(calls.filter((c) => c.url.includes("/lexicon/"))).toHaveLength(1);
  });

  it("offers another person's newer save of the open entry whose event came while saving", async () => {
    const stored = (version: number, form: string, gloss: string, by = "annotator"): Entry => ({
      id: "e2",
      version,
      forms: { eng: form },
      senses: [{ id: "s1", gloss: { en: gloss } }],
      updated_by: by,
    });
    mockFetch((call) => {
      const url = new URL(call.url, "http://x");
      if (url.pathname === "/api/v1/auth/csrf/") {
        document.cookie = "csrftoken=t";
        return { status: 204 };
      }
      if (url.pathname === "/api/v1/projects/p/dictionary/") return { status: 200, body: page([]) };
      if (url.pathname !== "/api/v1/projects/p/lexicon/e2/") return undefined;
      if (call.method === "GET") return { status: 200, body: stored(1, "go", "walk") };
      // Saved as v2; another person's save (v3, merged over ours) is announced before the answer.
      const theirs = stored(3, "goes", "walk", "manager");
      FakeWebSocket.last().receive({ type: "linguistic.entry.updated", id: "e2", version: 3, data: theirs });
      return { status: 200, body: stored(2, "goes", "walk") };
    });
    renderPage("lexicon", "/projects/p/lexicon?entry=e2", <LexiconPage />);
    expect(await screen.findByText("Version 1")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Headword"), { target: { value: "goes" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Save entry" }));
    });

    expect(await screen.findByText("Version 2")).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByTestId("remote-change").textContent).toContain("manager saved version 3 of this entry."),
    );
  });
});
