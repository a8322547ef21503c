import { fireEvent, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../../api";
import { clearCookies, mockFetch } from "../../test/http";
import type { ConcordanceResult } from "../api";
import { renderPage } from "../test/renderPage";
import { ConcordancePage } from "./ConcordancePage";

const first: ConcordanceResult = {
  utterance: "u1",
  text: "t1",
  text_title: "Dogs",
  order: 2,
  transcription: "dogs bark",
  translations: { en: "Dogs bark." },
  words: [
    { form: "dogs", morphemes: [{ form: "dog", gloss: "dog" }, { form: "s", sep: "-", gloss: "PL" }] },
    { form: "cats", morphemes: [{ form: "cat", gloss: "cat" }, { form: "s", sep: "-", gloss: "PL" }] },
  ],
  hits: [
    { word: 0, morpheme: 1, value: "PL" },
    { word: 1, morpheme: 1, value: "PL" },
  ],
};
const second: ConcordanceResult = {
  ...first,
  utterance: "u7",
  text: "t2",
  text_title: "Cats",
  order: 0,
  words: [{ form: "oxen", morphemes: [{ form: "ox", gloss: "ox" }, { form: "en", sep: "-", gloss: "PL" }] }],
  hits: [{ word: 0, morpheme: 1, value: "PL" }],
};

describe("ConcordancePage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("renders one KWIC row per hit from a single request and pages by utterance", async () => {
    const calls = mockFetch((call) => {
      if (!call.url.startsWith("/api/v1/projects/p/concordance/")) return undefined;
      const pageNo = new URL(call.url, "http://x").searchParams.get("page");
      return pageNo === "1"
        ? { status: 200, body: { count: 3, hits: 4, next: "/api/v1/projects/p/concordance/?page=2", previous: null, results: [first, second] } }
        : { status: 200, body: { count: 3, hits: 4, next: null, previous: "x", results: [{ ...second, utterance: "u9" }] } };
    });
    renderPage("concordance", "/projects/p/concordance", <ConcordancePage />);
    fireEvent.change(screen.getByLabelText("Query"), { target: { value: "PL" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));

    const table = await screen.findByTestId("kwic");
    expect(screen.getByTestId("kwic-count").textContent).toBe("4 hits in 3 utterances");
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["", "dog-sdog-PL", "cats", "Dogs (3)"],
      ["dogs", "cat-scat-PL", "", "Dogs (3)"],
      ["", "ox-enox-PL", "", "Cats (1)"],
    ]);
    expect(rows.map((r) => r.querySelector("mark")?.textContent)).toEqual(["s", "s", "en"]);
    expect(within(rows[2]!).getByRole("link").getAttribute("href")).toBe("/projects/p/texts/t2?u=u7");
    expect(calls.map((c) => c.url)).toEqual([
      "/api/v1/projects/p/concordance/?field=gloss&mode=exact&q=PL&lang=en&page=1",
    ]);

    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Page 2 · 3 in all");
    expect(calls.map((c) => c.url).at(-1)).toBe("/api/v1/projects/p/concordance/?field=gloss&mode=exact&q=PL&lang=en&page=2");
    expect(calls).toHaveLength(2);
  });

  it("marks translation hits inside the free translation", async () => {
    const hit: ConcordanceResult = { ...first, hits: [{ word: -1, morpheme: null, value: "bark" }] };
    mockFetch(() => ({ status: 200, body: { count: 1, hits: 1, next: null, previous: null, results: [hit] } }));
    renderPage("concordance", "/projects/p/concordance?field=translation&q=bark&mode=exact&page=1", <ConcordancePage />);
    const table = await screen.findByTestId("kwic");
    const cells = [...within(table).getByRole("row").querySelectorAll("td")].map((td) => td.textContent);
    expect(cells).toEqual(["Dogs", "bark.", "", "Dogs (3)"]);
    expect(table.querySelector("mark")?.textContent).toBe("bark");
    expect(screen.getByTestId("kwic-count").textContent).toBe("1 hit in 1 utterance");
  });

  it("shows a refused pattern's error without the previous results", async () => {
    mockFetch((call) => {
      if (!call.url.startsWith("/api/v1/projects/p/concordance/")) return undefined;
      const q = new URL(call.url, "http://x").searchParams.get("q");
      return q === "PL"
        ? { status: 200, body: { count: 1, hits: 1, next: null, previous: null, results: [second] } }
        : { status: 400, body: { error: "invalid", detail: "q: the pattern is not valid.", fields: { q: ["the pattern is not valid."] } } };
    });
    renderPage("concordance", "/projects/p/concordance", <ConcordancePage />);
    fireEvent.change(screen.getByLabelText("Query"), { target: { value: "PL" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await screen.findByTestId("kwic");

    fireEvent.change(screen.getByLabelText("Match"), { target: { value: "regex" } });
    fireEvent.change(screen.getByLabelText("Query"), { target: { value: "(" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));

    await screen.findByText("the pattern is not valid.");
    expect(screen.queryByTestId("kwic")).toBeNull();
    expect(screen.queryByTestId("kwic-count")).toBeNull();
  });
});
