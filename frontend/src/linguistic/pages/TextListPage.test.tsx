import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../../api";
import { clearCookies, mockFetch } from "../../test/http";
import { page, renderPage } from "../test/renderPage";
import { TextListPage } from "./TextListPage";

describe("TextListPage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("shows each text's utterance count from the list, with one request", async () => {
    const calls = mockFetch((call) =>
      call.url.startsWith("/api/v1/projects/p/texts/")
        ? {
            status: 200,
            body: page([
              { id: "t1", version: 1, title: "Dogs", lang: "eng", utterance_count: 12 },
              { id: "t2", version: 1, title: "", utterance_count: 0 },
            ]),
          }
        : undefined,
    );
    renderPage("texts", "/projects/p/texts", <TextListPage />);
    const rows = await screen.findAllByRole("row");
    expect(rows.slice(1).map((r) => [...r.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent))).toEqual([
      ["Dogs", "eng", "12"],
      ["Untitled text", "—", "0"],
    ]);
    await waitFor(() => expect(calls.map((c) => c.url)).toEqual(["/api/v1/projects/p/texts/?page=1"]));
  });
});
