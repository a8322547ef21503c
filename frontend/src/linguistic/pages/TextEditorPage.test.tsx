import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../../api";
import type { ProjectContext } from "../../pages/ProjectLayout";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { clearCookies, mockFetch, type Recorded } from "../../test/http";
import type { Utterance } from "../api";
import { project } from "../test/renderPage";
import { TextEditorPage } from "./TextEditorPage";

const utterance = (version: number, glosses: string[], translation = "Dogs bark."): Utterance => ({
  id: "u1",
  version,
  text: "t1",
  order: 0,
  transcription: "dogs bark",
  translations: { en: translation },
  words: [
    { form: "dogs", morphemes: [{ form: "dog", gloss: glosses[0] }, { form: "s", sep: "-", gloss: glosses[1] }] },
    { form: "bark", morphemes: [{ form: "bark", gloss: glosses[2] }] },
  ],
});

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

type Reply = { status: number; body?: unknown };

function server(
  onPut: (call: Recorded) => Reply,
  more: (call: Recorded, path: string) => Reply | undefined = () => undefined,
): Recorded[] {
  return mockFetch((call) => {
    const path = call.url.split("?")[0] ?? "";
    const extra = more(call, path);
    if (extra) return extra;
    if (path === "/api/v1/auth/csrf/") {
      document.cookie = "csrftoken=t";
      return { status: 204 };
    }
    if (path === "/api/v1/projects/p/texts/t1/") return { status: 200, body: { id: "t1", version: 1, title: "Dogs" } };
    if (path === "/api/v1/projects/p/texts/t1/utterances/") return { status: 200, body: page([utterance(1, [])]) };
    if (path === "/api/v1/projects/p/lexicon/") return { status: 200, body: page([]) };
    if (path === "/api/v1/projects/p/utterances/u1/" && call.method === "PUT") return onPut(call);
    return undefined;
  });
}

function renderEditor() {
  const context: ProjectContext = { project, reloadProject: () => {}, setProject: () => {}, membershipVersion: 0 };
  render(
    <MemoryRouter initialEntries={["/projects/p/texts/t1"]}>
      <Routes>
        <Route path="/projects/:slug" element={<Outlet context={context} />}>
          <Route path="texts/:id" element={<TextEditorPage />} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );
}

const gloss = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

describe("TextEditorPage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
    FakeWebSocket.install();
  });

  it("moves focus with Tab / Shift-Tab across gloss cells, then the translation", async () => {
    server(() => ({ status: 500, body: {} }));
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    const order = ["Gloss of -s in dogs", "Gloss of bark in bark", "Free translation (en) of utterance 1"];
    for (const label of order) {
      fireEvent.keyDown(document.activeElement!, { key: "Tab" });
      expect(document.activeElement).toBe(screen.getByLabelText(label));
    }
    fireEvent.keyDown(document.activeElement!, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(gloss("Gloss of bark in bark"));
    // POS cells are reached with the arrows, not Tab.
    expect(screen.getByLabelText("POS of dog in dogs").tabIndex).toBe(-1);
  });

  it("is one Tab stop, and the arrows reach every field and button of an utterance", async () => {
    server(() => ({ status: 500, body: {} }));
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    const editor = screen.getByRole("group", { name: "Interlinear editor" });
    const stops = () => Array.from(editor.querySelectorAll('[tabindex="0"]'));
    expect(stops()).toEqual([gloss("Gloss of dog in dogs")]);
    const press = (key: string) => fireEvent.keyDown(document.activeElement!, { key });
    // Down from a gloss: its POS, then (for a segmented word) the word's POS, then "+ word".
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByLabelText("POS of dog in dogs"));
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByLabelText("Word POS of dogs"));
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Add a word to utterance 1" }));
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByLabelText("Free translation (en) of utterance 1"));
    // Up to the top: the transcription, then right to Save (focusable while there is nothing to save).
    for (let i = 0; i < 7; i += 1) press("ArrowUp");
    expect(document.activeElement).toBe(screen.getByLabelText("Transcription of utterance 1"));
    press("ArrowRight");
    const saveButton = screen.getByRole("button", { name: "Save" });
    expect(document.activeElement).toBe(saveButton);
    expect(saveButton.getAttribute("aria-disabled")).toBe("true");
    // Down into the word line, then right along the morpheme forms.
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByLabelText("Word 1 of utterance 1"));
    press("ArrowDown");
    expect(document.activeElement).toBe(screen.getByLabelText("Form of dog in dogs"));
    press("ArrowRight");
    expect(document.activeElement).toBe(gloss("Gloss of dog in dogs"));
    // The stop follows the focus: still exactly one Tab stop in the editor.
    expect(stops()).toEqual([gloss("Gloss of dog in dogs")]);
    press("ArrowUp");
    expect(stops()).toEqual([screen.getByLabelText("Form of dog in dogs")]);
    // A caret inside a field's text moves the caret, not the focus.
    const form = screen.getByLabelText("Form of dog in dogs") as HTMLInputElement;
    form.setSelectionRange(1, 1);
    press("ArrowRight");
    expect(document.activeElement).toBe(form);
    // Escape leaves the editor.
    press("Escape");
    expect(document.activeElement).toBe(screen.getByTestId("editor-end"));
  });

  it("saves with Ctrl-S, shows the conflict panel on 409 keeping the typing, and overwrites", async () => {
    const theirs = utterance(2, [], "The dogs are barking.");
    const calls = server((call) => {
      const body = call.body as { version: number; words: Utterance["words"] };
      if (body.version === 1) {
        return {
          status: 409,
          body: { error: "version_conflict", detail: "Changed.", fields: {}, current: { ...theirs, _id: "u1", id: "x" } },
        };
      }
      return { status: 200, body: { ...utterance(3, ["dog"]), ...body, id: "u1", version: 3 } };
    });
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(gloss("Gloss of dog in dogs"), { target: { value: "dog" } });
    expect(screen.getByTestId("utterance-status").textContent).toContain("unsaved");

    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of dog in dogs"), { key: "s", ctrlKey: true });
    });
    const panel = await screen.findByTestId("conflict-panel");
    expect(within(panel).getByText("The dogs are barking.")).toBeTruthy();
    expect(gloss("Gloss of dog in dogs").value).toBe("dog");

    const puts = () => calls.filter((c) => c.method === "PUT");
    expect(puts()[0]?.body).toMatchObject({ version: 1, translations: { en: "Dogs bark." } });

    await act(async () => {
      fireEvent.click(within(panel).getByRole("button", { name: "Keep mine (overwrite)" }));
    });
    await waitFor(() => expect(screen.queryByTestId("conflict-panel")).toBeNull());
    expect(puts()[1]?.body).toMatchObject({ version: 2 });
    expect((puts()[1]?.body as Utterance).words?.[0]?.morphemes?.[0]?.gloss).toBe("dog");
    expect(screen.getByTestId("utterance-status").textContent).toBe("v3");
    expect(gloss("Gloss of dog in dogs").value).toBe("dog");
  });

  it("takes theirs on request", async () => {
    const theirs = utterance(2, ["", "", "BARK"]);
    server(() => ({ status: 409, body: { error: "version_conflict", detail: "x", fields: {}, current: { ...theirs, _id: "u1" } } }));
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(gloss("Gloss of dog in dogs"), { target: { value: "dog" } });
    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of dog in dogs"), { key: "Enter", ctrlKey: true });
    });
    const panel = await screen.findByTestId("conflict-panel");
    fireEvent.click(within(panel).getByRole("button", { name: "Take theirs" }));
    expect(screen.queryByTestId("conflict-panel")).toBeNull();
    expect(gloss("Gloss of dog in dogs").value).toBe("");
    expect(gloss("Gloss of bark in bark").value).toBe("BARK");
    expect(screen.getByTestId("utterance-status").textContent).toBe("v2");
  });

  it("splits a morpheme with Enter at the caret and merges it back with Backspace", async () => {
    const calls = server((call) => ({ status: 200, body: { ...utterance(2, []), ...(call.body as object), id: "u1", version: 2 } }));
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    const form = screen.getByLabelText("Form of dog in dogs") as HTMLInputElement;
    form.focus();
    form.setSelectionRange(2, 2);
    fireEvent.keyDown(form, { key: "Enter" });
    // "dog" became "do" + "-g", the caret is at the start of the new form
    const added = screen.getByLabelText("Form of -g in dogs") as HTMLInputElement;
    expect(document.activeElement).toBe(added);
    expect(added.selectionStart).toBe(0);
    expect(screen.getByLabelText("Form of do in dogs")).toBeTruthy();
    expect(screen.getAllByTestId("word")[0]!.querySelectorAll(".ling-morph")).toHaveLength(3);

    // Enter in a gloss with no suggestion list open cuts the gloss
    const g = gloss("Gloss of -s in dogs");
    fireEvent.change(g, { target: { value: "PLX" } });
    fireEvent.keyDown(g, { key: "Escape" });
    g.setSelectionRange(2, 2);
    fireEvent.keyDown(g, { key: "Enter" });
    expect(document.activeElement).toBe(gloss("Gloss of - in dogs"));
    expect(gloss("Gloss of -s in dogs").value).toBe("PL");
    expect(gloss("Gloss of - in dogs").value).toBe("X");

    // Backspace at the start of the empty form merges it back
    const empty = screen.getByLabelText("Form of - in dogs") as HTMLInputElement;
    empty.focus();
    empty.setSelectionRange(0, 0);
    fireEvent.keyDown(empty, { key: "Backspace" });
    expect(gloss("Gloss of -s in dogs").value).toBe("PL-X");
    expect(document.activeElement).toBe(screen.getByLabelText("Form of -s in dogs"));

    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: "s", ctrlKey: true });
    });
    const put = calls.find((c) => c.method === "PUT");
    expect((put?.body as Utterance).words?.[0]?.morphemes).toEqual([
      { form: "do" },
      { form: "g", sep: "-", gloss: "" },
      { form: "s", sep: "-", gloss: "PL-X" },
    ]);
  });

  it("edits the word tier and the transcription and saves them with the version", async () => {
    const calls = server((call) => ({ status: 200, body: { ...utterance(2, []), ...(call.body as object), id: "u1", version: 2 } }));
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(screen.getByLabelText("Transcription of utterance 1"), { target: { value: "dogs bark loudly" } });
    fireEvent.change(screen.getByLabelText("Word 2 of utterance 1"), { target: { value: "barks" } });
    fireEvent.change(screen.getByLabelText("Word POS of dogs"), { target: { value: "n" } });
    fireEvent.change(screen.getByLabelText("POS of -s in dogs"), { target: { value: "num" } });

    // Alt-Enter in the second word adds a word after it and focuses its form
    fireEvent.keyDown(gloss("Gloss of bark in barks"), { key: "Enter", altKey: true });
    const third = screen.getByLabelText("Word 3 of utterance 1") as HTMLInputElement;
    expect(document.activeElement).toBe(third);
    fireEvent.change(third, { target: { value: "loudly" } });
    fireEvent.click(screen.getByRole("button", { name: "Add a word to utterance 1" }));
    expect(screen.getAllByTestId("word")).toHaveLength(4);
    fireEvent.click(screen.getByRole("button", { name: "Remove word 4 from utterance 1" }));
    expect(screen.getAllByTestId("word")).toHaveLength(3);
    expect(screen.getByTestId("utterance-status").textContent).toContain("unsaved");

    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Save" }));
    });
    const put = calls.find((c) => c.method === "PUT");
    expect(put?.body).toMatchObject({ version: 1, transcription: "dogs bark loudly" });
    expect((put?.body as Utterance).words).toEqual([
      { form: "dogs", pos: "n", morphemes: [{ form: "dog" }, { form: "s", sep: "-", pos: "num" }] },
      { form: "barks", morphemes: [{ form: "bark" }] },
      { form: "loudly" },
    ]);
    await waitFor(() => expect(screen.getByTestId("utterance-status").textContent).toBe("v2"));
  });
});

describe("TextEditorPage live updates", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
    FakeWebSocket.install();
  });

  const other = (id: string, order: number, form: string): Utterance => ({
    id,
    version: 1,
    text: "t1",
    order,
    words: [{ form, morphemes: [{ form }] }],
  });

  it("replaces an utterance without unsaved typing when someone else saves it", async () => {
    const theirs = { ...utterance(2, ["DOG", "PL", ""]), updated_by: "manager" };
    const calls = server(
      () => ({ status: 500 }),
      (call, path) => (path === "/api/v1/projects/p/utterances/u1/" && call.method === "GET" ? { status: 200, body: theirs } : undefined),
    );
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    expect(FakeWebSocket.last().url).toContain("/ws/projects/p/");

    // An event for our own version, and one for another text, fetch nothing
    await act(async () => {
      FakeWebSocket.last().receive({ type: "linguistic.utterance.updated", id: "u1", version: 1, text: "t1" });
      FakeWebSocket.last().receive({ type: "linguistic.utterance.updated", id: "u9", version: 4, text: "t2" });
    });
    expect(calls.filter((c) => c.url.includes("/utterances/u"))).toHaveLength(0);

    await act(async () => {
      FakeWebSocket.last().receive({ type: "linguistic.utterance.updated", id: "u1", version: 2, text: "t1" });
    });
    await waitFor(() => expect(gloss("Gloss of dog in dogs").value).toBe("DOG"));
    expect(screen.getByTestId("utterance-status").textContent).toBe("v2");
    expect(screen.queryByTestId("remote-change")).toBeNull();
    expect(calls.filter((c) => c.url.includes("/utterances/u1/"))).toHaveLength(1);
  });

  it("offers to review their version when the utterance has unsaved typing", async () => {
    const theirs = { ...utterance(2, ["", "", "BARK"], "The dogs are barking."), updated_by: "manager" };
    const calls = server(
      (call) => ({ status: 200, body: { ...theirs, ...(call.body as object), id: "u1", version: 3 } }),
      (call, path) => (path === "/api/v1/projects/p/utterances/u1/" && call.method === "GET" ? { status: 200, body: theirs } : undefined),
    );
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(gloss("Gloss of dog in dogs"), { target: { value: "dog" } });

    await act(async () => {
      FakeWebSocket.last().receive({ type: "linguistic.utterance.updated", id: "u1", version: 2, text: "t1" });
    });
    const notice = await screen.findByTestId("remote-change");
    expect(notice.textContent).toContain("manager saved version 2");
    // The typing stays and nothing is overwritten yet
    expect(gloss("Gloss of dog in dogs").value).toBe("dog");
    expect(gloss("Gloss of bark in bark").value).toBe("");
    expect(screen.queryByTestId("conflict-panel")).toBeNull();

    fireEvent.click(within(notice).getByRole("button", { name: "Changed by someone else — review" }));
    const panel = screen.getByTestId("conflict-panel");
    expect(screen.queryByTestId("remote-change")).toBeNull();
    expect(within(panel).getByText("The dogs are barking.")).toBeTruthy();

    await act(async () => {
      fireEvent.click(within(panel).getByRole("button", { name: "Merge (their changes + mine)" }));
    });
    expect(gloss("Gloss of dog in dogs").value).toBe("dog");
    expect(gloss("Gloss of bark in bark").value).toBe("BARK");
    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of dog in dogs"), { key: "s", ctrlKey: true });
    });
    const put = calls.find((c) => c.method === "PUT");
    expect(put?.body).toMatchObject({ version: 2, translations: { en: "The dogs are barking." } });
    await waitFor(() => expect(screen.getByTestId("utterance-status").textContent).toBe("v3"));
  });

  it("shows another tab's merged save whose event came while its own save was in flight", async () => {
    // Both tabs saved from v1; ours became v2, theirs was merged over it as v3, and v3's event
    // reached this tab before the answer to its own save.
    const merged = { ...utterance(3, ["dog", "PL", ""]), updated_by: "manager" };
    const calls = server((call) => {
      FakeWebSocket.last().receive({ type: "linguistic.utterance.updated", id: "u1", version: 3, text: "t1", data: merged });
      return { status: 200, body: { ...utterance(2, ["dog", "", ""]), ...(call.body as object), id: "u1", version: 2 } };
    });
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(gloss("Gloss of dog in dogs"), { target: { value: "dog" } });

    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of dog in dogs"), { key: "s", ctrlKey: true });
    });

    await waitFor(() => expect(screen.getByTestId("utterance-status").textContent).toBe("v3"));
    expect(gloss("Gloss of dog in dogs").value).toBe("dog");
    expect(gloss("Gloss of -s in dogs").value).toBe("PL");
    expect(screen.getByTestId("unsaved-count").textContent).toBe("All saved");
    expect(screen.queryByTestId("remote-change")).toBeNull();
    expect(calls.filter((c) => c.method === "PUT")).toHaveLength(1);
  });

  it("saves typing made during a merged save against the version it was typed on", async () => {
    // The answer merges someone's PL into our save; the gloss typed while it was in flight
    // lacks it, so it is sent again against v1 (merged there), not as an edit of v2.
    let typed = false;
    const calls = server((call) => {
      const body = call.body as Utterance & { version: number };
      if (!typed) {
        typed = true;
        fireEvent.change(gloss("Gloss of bark in bark"), { target: { value: "howl" } });
        return { status: 200, body: { ...utterance(2, ["dog", "PL", ""]), updated_by: "annotator" } };
      }
      return { status: 200, body: { ...body, id: "u1", text: "t1", version: 3, words: utterance(3, ["dog", "PL", "howl"]).words } };
    });
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    fireEvent.change(gloss("Gloss of dog in dogs"), { target: { value: "dog" } });
    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of dog in dogs"), { key: "s", ctrlKey: true });
      await waitFor(() => expect(typed).toBe(true));
    });
    await waitFor(() => expect(screen.getByTestId("remote-change")).toBeTruthy());
    expect(gloss("Gloss of bark in bark").value).toBe("howl");
    expect(screen.getByTestId("unsaved-count").textContent).not.toBe("All saved");

    await act(async () => {
      fireEvent.keyDown(gloss("Gloss of bark in bark"), { key: "s", ctrlKey: true });
    });
    const puts = calls.filter((c) => c.method === "PUT");
    expect(puts.map((c) => (c.body as { version: number }).version)).toEqual([1, 1]);
    await waitFor(() => expect(screen.getByTestId("utterance-status").textContent).toBe("v3"));
    expect(gloss("Gloss of -s in dogs").value).toBe("PL");
    expect(gloss("Gloss of bark in bark").value).toBe("howl");
    expect(screen.getByTestId("unsaved-count").textContent).toBe("All saved");
  });

  it("inserts an utterance created in the open text by its order", async () => {
    server(
      () => ({ status: 500 }),
      (_call, path) => {
        if (path === "/api/v1/projects/p/texts/t1/utterances/") {
          return { status: 200, body: page([utterance(1, []), other("u3", 2, "three")]) };
        }
        if (path === "/api/v1/projects/p/utterances/u2/") return { status: 200, body: other("u2", 1, "two") };
        return undefined;
      },
    );
    renderEditor();
    await waitFor(() => expect(screen.getAllByTestId("utterance")).toHaveLength(2));
    await act(async () => {
      FakeWebSocket.last().receive({ type: "linguistic.utterance.created", id: "u2", version: 1, text: "t1" });
    });
    await waitFor(() => expect(screen.getAllByTestId("utterance")).toHaveLength(3));
    expect(screen.getAllByTestId("utterance").map((u) => u.dataset.utterance)).toEqual(["u1", "u2", "u3"]);
  });
});

describe("TextEditorPage at scale", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
    FakeWebSocket.install();
  });

  const numbered = (i: number): Utterance => ({
    id: `n${i}`,
    version: 1,
    text: "t1",
    order: i,
    translations: { en: `line ${i}` },
    words: [{ form: `w${i}`, morphemes: [{ form: `w${i}`, gloss: "" }] }],
  });

  it("shows the first page at once, then loads the rest in pages of 500, rendering only rows on screen", async () => {
    const all = Array.from({ length: 1200 }, (_, i) => numbered(i));
    let releaseRest: () => void = () => {};
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    const calls = mockFetch((call) => {
      const [path = "", query = ""] = call.url.split("?");
      const params = new URLSearchParams(query);
      if (path === "/api/v1/projects/p/texts/t1/") return { status: 200, body: { id: "t1", version: 1, title: "Long" } };
      if (path === "/api/v1/projects/p/lexicon/") return { status: 200, body: page([]) };
      if (path !== "/api/v1/projects/p/texts/t1/utterances/") return undefined;
      const size = Number(params.get("page_size"));
      const pageNo = Number(params.get("page") ?? "1");
      const results = all.slice((pageNo - 1) * size, pageNo * size);
      return { status: 200, body: { count: all.length, next: pageNo * size < all.length ? "more" : null, previous: null, results } };
    });
    // Hold the big pages back until the first one is on screen.
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes("page_size=500")) await rest;
      return realFetch(input, init);
    }) as typeof fetch;
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of w0 in w0")));
    expect(screen.getByLabelText("Go to utterance (1–40)")).toBeTruthy();
    releaseRest();
    await waitFor(() => expect(screen.getByLabelText("Go to utterance (1–1200)")).toBeTruthy());
    const bigPages = calls
      .filter((c) => c.url.includes("/utterances/?") && c.url.includes("page_size=500")).map((c) => new URLSearchParams(c.url.split("?")[1]).get("page"));
    expect(bigPages.sort()).toEqual(["1", "2", "3"]);

    // Jumping and Tab into rows not rendered yet need real layout: tests/e2e/test_linguistic_ui.py.
    expect(screen.getAllByTestId("utterance").length).toBeLessThan(20);
  });

  it("starts a text in the browser: + utterance creates one at the end and focuses it", async () => {
    const created: Utterance = { id: "u2", version: 1, text: "t1", order: 1, transcription: "", translations: { en: "" }, words: [] };
    const calls = server(
      () => ({ status: 500, body: {} }),
      (call, path) =>
        path === "/api/v1/projects/p/texts/t1/utterances/" && call.method === "POST"
          ? { status: 201, body: created }
          : undefined,
    );
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "+ utterance" }));
    });
    const post = calls.find((c) => c.method === "POST" && c.url.includes("/utterances/"));
    expect(post?.body).toEqual({ transcription: "", words: [], translations: { en: "" } });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Transcription of utterance 2")));
    expect(screen.getAllByTestId("utterance")).toHaveLength(2);
  });

  it.each([
    ["no active gloss model", [{ id: 1, task: "gloss", status: "candidate" }], 0],
    ["an active gloss model", [{ id: 2, task: "gloss", status: "active" }], 1],
  ])("asks for machine suggestions only with an active model: %s", async (_name, versions, asked) => {
    const calls = server(
      () => ({ status: 500, body: {} }),
      (call, path) => {
        if (path === "/api/v1/projects/p/models/versions/") return { status: 200, body: page(versions) };
        if (path === "/api/v1/projects/p/suggestions/" && call.method === "POST")
          return {
            status: 200,
            body: { task: "gloss", version: { id: 2, number: 1 }, prediction: { id: "u1", words: [], confidence: 1 } },
          };
        if (path === "/api/v1/projects/p/texts/t1/suggestions/") return { status: 200, body: [] };
        return undefined;
      },
    );
    renderEditor();
    await waitFor(() => expect(document.activeElement).toBe(gloss("Gloss of dog in dogs")));
    await waitFor(() => expect(calls.some((c) => c.url.includes("/models/versions/?task=gloss"))).toBe(true));
    // The focus came before the versions' answer: the question waits for it, then goes once.
    fireEvent.focus(gloss("Gloss of bark in bark"));
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(calls.filter((c) => c.url.includes("/suggestions/") && c.method === "POST")).toHaveLength(asked);
  });
});
