import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests, type Project } from "../../api";
import type { ProjectContext } from "../../pages/ProjectLayout";
import { clearCookies, mockFetch, type Recorded } from "../../test/http";
import type { Utterance } from "../api";
import { TextEditorPage } from "./TextEditorPage";

const project: Project = {
  slug: "p",
  name: "P",
  description: "",
  object_languages: ["eng"],
  visibility: "private",
  created_at: "2026-01-01T00:00:00Z",
  my_role: "annotator",
  member_count: 1,
};

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

function server(onPut: (call: Recorded) => { status: number; body: unknown }): Recorded[] {
  return mockFetch((call) => {
    const path = call.url.split("?")[0];
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
    // POS cells are out of the Tab order.
    expect(screen.getByLabelText("POS of dog in dogs").tabIndex).toBe(-1);
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
});
