import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests } from "../api";
import { page, renderPage } from "../linguistic/test/renderPage";
import { clearCookies, mockFetch } from "../test/http";
import { ModelsPage } from "./ModelsPage";

const version = {
  id: 3,
  task: "gloss",
  kind: "crf",
  number: 2,
  status: "active",
  source: "trained",
  name: "",
  run: 5,
  data_hash: "h",
  trained_by: "manager",
  created_at: "2026-12-01T10:00:00Z",
  activated_at: "2026-12-01T10:01:00Z",
  external_url: "",
  external_timeout: 5,
  acceptance: { total: 4, accepted: 3, rate: 0.75 },
  headline: { word_accuracy: 0.875, morpheme_accuracy: 0.9, macro_f1: 0.5 },
};

function routes(call: { url: string }) {
  const u = call.url;
  if (u.startsWith("/api/v1/projects/p/models/tasks/"))
    return { status: 200, body: [{ name: "gloss", kinds: ["memory", "crf"], gpu_kinds: [], serves_suggestions: true }] };
  if (u.startsWith("/api/v1/projects/p/models/runs/")) return { status: 200, body: page([]) };
  if (u.startsWith("/api/v1/projects/p/models/versions/3/plots/"))
    return {
      status: 200,
      body: {
        confusion: { labels: ["PL", "E3S"], matrix: [[3, 1], [0, 2]] },
        learning_curve: [
          { size: 0.5, utterances: 10, word_accuracy: 0.5, morpheme_accuracy: 0.6 },
          { size: 1, utterances: 20, word_accuracy: 0.8, morpheme_accuracy: 0.85 },
        ],
        loss: [],
        per_label: {},
      },
    };
  if (u.startsWith("/api/v1/projects/p/models/versions/3/"))
    return { status: 200, body: { ...version, metrics: { word_accuracy: 0.875 }, summary: {} } };
  if (u.startsWith("/api/v1/projects/p/models/versions/")) return { status: 200, body: page([version]) };
  if (u.startsWith("/api/v1/projects/p/models/schedules/")) return { status: 200, body: page([]) };
  if (u.startsWith("/api/v1/projects/p/models/queue/"))
    return {
      status: 200,
      body: {
        task: "gloss",
        version: { id: 3, number: 2, kind: "crf", task: "gloss", status: "active" },
        by: "confidence",
        scanned: 1,
        results: [
          { utterance: "u1", text: "t1", order: 0, confidence: 0.41, margin: 0.2, words: 2, labelled: 0, open: 3, transcription: "xtok rja" },
        ],
      },
    };
  return undefined;
}

describe("ModelsPage", () => {
  beforeEach(() => {
    resetApiStateForTests();
    clearCookies();
  });

  it("shows versions with metrics and acceptance, both pictures and the gloss-next queue", async () => {
    mockFetch(routes);
    renderPage("models", "/projects/p/models", <ModelsPage />, "viewer");

    const row = await screen.findByTestId("version-row");
    expect(within(row).getByTestId("version-word-accuracy").textContent).toBe("87.5%");
    expect(within(row).getByTestId("version-acceptance").textContent).toBe("75% of 4");
    expect(await screen.findAllByTestId("confusion-cell")).toHaveLength(4);
    expect((await screen.findByTestId("learning-curve")).querySelectorAll("circle")).toHaveLength(4);
    const queue = await screen.findByTestId("gloss-next");
    expect(within(queue).getByRole("link", { name: "xtok rja" }).getAttribute("href")).toBe("/projects/p/texts/t1?u=u1");
    // A viewer sees models but gets no train form and no activate buttons
    expect(screen.queryByRole("form", { name: "Train a model" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Activate" })).toBeNull();
  }, 20_000);

  it("offers the train form to managers", async () => {
    mockFetch(routes);
    renderPage("models", "/projects/p/models", <ModelsPage />, "manager");

    const form = await screen.findByRole("form", { name: "Train a model" });
    expect([...within(form).getByLabelText("Model kind").querySelectorAll("option")].map((o) => o.textContent)).toEqual([
      "memory",
      "crf",
    ]);
  });
});
