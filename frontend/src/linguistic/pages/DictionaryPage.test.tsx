import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../../api";
import { clearCookies, mockFetch } from "../../test/http";
import type { DictionaryEntry } from "../api";
import { page, renderPage } from "../test/renderPage";
import { DictionaryPage } from "./DictionaryPage";

const entry: DictionaryEntry = {
  id: "e1",
  version: 1,
  entry_id: "e1",
  forms: { lez: "сад" },
  pos: "NUM",
  senses: [{ id: "s1", gloss: { en: "one" } }],
  examples: [{ utterance: "u1", text: "t1", transcription: "сад кас", translations: { en: "one man" } }],
};

const job = (state: string, progress: number) => ({
  id: "j1", project: "p", kind: "linguistic.dictionary_pdf", state, progress, message: "",
  result: state === "succeeded" ? { path: "dictionaries/j1.pdf" } : null, error: null,
  created_at: "", started_at: null, finished_at: null,
});

describe("DictionaryPage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("searches the server as you type and shows senses with corpus examples", async () => {
    const calls = mockFetch((call) => {
      const url = new URL(call.url, "http://x");
      if (url.pathname !== "/api/v1/projects/p/dictionary/") return undefined;
      return { status: 200, body: page(url.searchParams.get("q") === "са" ? [entry] : []) };
    });
    renderPage("dictionary", "/projects/p/dictionary", <DictionaryPage />);
    await waitFor(() => expect(screen.getByText("0 entries")).toBeTruthy());

    fireEvent.change(screen.getByLabelText("Search the dictionary"), { target: { value: "са" } });

    const list = await screen.findByTestId("dictionary");
    await waitFor(() => expect(within(list).getByText("сад")).toBeTruthy());
    expect(within(list).getByText("one")).toBeTruthy();
    const example = within(list).getByRole("link", { name: "сад кас" });
    expect(example.getAttribute("href")).toBe("/projects/p/texts/t1?u=u1");
    expect(list.textContent).toContain("‘one man’");
    expect(calls.map((c) => c.url).filter((u) => u.includes("/dictionary/"))).toEqual([
      "/api/v1/projects/p/dictionary/?q=&page=1",
      "/api/v1/projects/p/dictionary/?q=%D1%81%D0%B0&page=1",
    ]);
  });

  it("typesets the print dictionary as a job and then offers the PDF", async () => {
    let polls = 0;
    const calls = mockFetch((call) => {
      const url = new URL(call.url, "http://x");
      if (url.pathname === "/api/v1/projects/p/dictionary/") return { status: 200, body: page([]) };
      if (url.pathname === "/api/v1/projects/p/dictionary/pdf/") return { status: 202, body: job("queued", 0) };
      if (url.pathname === "/api/v1/jobs/j1/") {
        polls += 1;
        return { status: 200, body: polls < 2 ? job("running", 0.5) : job("succeeded", 1) };
      }
      return undefined;
    });
    renderPage("dictionary", "/projects/p/dictionary", <DictionaryPage />);

    fireEvent.click(screen.getByRole("button", { name: "Print dictionary (PDF)" }));

    const bar = await screen.findByRole("progressbar", { name: "Print dictionary (PDF) progress" });
    expect(bar.getAttribute("aria-valuenow")).toBe("50");
    const download = await screen.findByRole("link", { name: "Download" }, { timeout: 4000 });
    expect(download.getAttribute("href")).toBe("/api/v1/projects/p/dictionary/pdf/j1");
    expect(calls.filter((c) => c.method === "POST").map((c) => c.url)).toEqual([
      "/api/v1/projects/p/dictionary/pdf/",
    ]);
  });
});
