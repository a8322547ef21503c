import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { resetApiStateForTests, type Project } from "../api";
import type { ProjectContext } from "../pages/ProjectLayout";
import { clearCookies, mockFetch } from "../test/http";
import type { ProjectAgreementReport } from "./api";
import { kappaColor } from "./colors";
import { ProjectAgreementPage } from "./pages/ProjectAgreementPage";
import { meanDefined, pooledSeries, videoHeatmap, videoRows } from "./projectAgreement";

const REPORT: ProjectAgreementReport = {
  schema_version: 1,
  aus: ["AU4", "AU6", "AU12"],
  videos: [
    {
      video: "v1",
      filename: "interview-with-a-very-long-name.mp4",
      coders: ["anna", "boris"],
      n_frames: 300,
      fleiss_kappa: [null, 0.5, 0.9],
      alpha_ordinal: [null, 0.4, 0.8],
    },
    {
      video: "v2",
      filename: "b.mp4",
      coders: ["anna", "boris", "chen"],
      n_frames: 120,
      fleiss_kappa: [-0.2, null, 0.6],
      alpha_ordinal: [-0.1, null, 0.5],
    },
  ],
  pooled: {
    videos: 2,
    frames: 420,
    kappa: [-0.2, 0.5, 0.82],
    pair_frames: [360, 300, 660],
    alpha_nominal: [-0.19, 0.49, 0.81],
    alpha_ordinal: [-0.1, 0.4, 0.7],
  },
};

const project: Project = {
  slug: "lezgi",
  name: "Lezgi",
  description: "",
  object_languages: [],
  visibility: "private",
  created_at: "2026-01-01T00:00:00Z",
  my_role: "viewer",
  member_count: 3,
};

beforeEach(() => {
  resetApiStateForTests();
  clearCookies();
});

describe("project agreement shaping", () => {
  it("averages only defined κ per video and keeps the server's order", () => {
    expect(meanDefined([null, 0.5, 0.9])).toBeCloseTo(0.7);
    expect(meanDefined([null, null])).toBeNull();
    expect(videoRows(REPORT)).toEqual([
      {
        video: "v1",
        filename: "interview-with-a-very-long-name.mp4",
        coders: ["anna", "boris"],
        frames: 300,
        meanKappa: expect.closeTo(0.7) as number,
        definedAus: 2,
      },
      {
        video: "v2",
        filename: "b.mp4",
        coders: ["anna", "boris", "chen"],
        frames: 120,
        meanKappa: expect.closeTo(0.2) as number,
        definedAus: 2,
      },
    ]);
  });

  it("lays the heatmap out as videos × AUs and the bars as pooled κ and α", () => {
    const heatmap = videoHeatmap(REPORT);
    expect(heatmap.kappa).toEqual([
      [null, 0.5, 0.9],
      [-0.2, null, 0.6],
    ]);
    expect(heatmap.columns[0]).toEqual({
      lines: ["interview-…", "2 coders"],
      title: "interview-with-a-very-long-name.mp4",
    });
    expect(heatmap.columns[1]!.lines).toEqual(["b.mp4", "3 coders"]);
    expect(pooledSeries(REPORT).map((s) => s.values)).toEqual([
      REPORT.pooled.kappa,
      REPORT.pooled.alpha_ordinal,
    ]);
  });
});

function renderPage(report: ProjectAgreementReport) {
  const calls = mockFetch((call) =>
    call.url === "/api/v1/projects/lezgi/affect/agreement/" ? { status: 200, body: report } : undefined,
  );
  const context = { project, reloadProject: () => undefined, setProject: () => undefined, membershipVersion: 0 } satisfies ProjectContext;
  render(
    <MemoryRouter initialEntries={["/projects/lezgi/agreement"]}>
      <Routes>
        <Route path="/projects/:slug" element={<Outlet context={context} />}>
          <Route path="agreement" element={<ProjectAgreementPage />} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );
  return calls;
}

describe("ProjectAgreementPage", () => {
  it("draws pooled bars, the per-video table and the video × AU heatmap", async () => {
    const calls = renderPage(REPORT);
    expect(await screen.findByTestId("project-agreement")).toBeTruthy();
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/projects/lezgi/affect/agreement/"]);
    expect(screen.getByRole("heading", { name: /Project agreement/ })).toBeTruthy();
    expect(screen.getByText(/2 videos with two or more/).textContent).toContain("420 frames pooled");

    // Pooled bars: one per AU and series, with the value as a label.
    expect(screen.getByTestId("bar-AU12-0").textContent).toContain("0.82");
    expect(screen.getByTestId("bar-AU12-1").textContent).toContain("0.70");
    expect(screen.getByTestId("bar-AU4-0").querySelector("title")!.textContent).toBe(
      "AU4 pooled κ: -0.200",
    );

    // Per-video table.
    const rows = within(screen.getByTestId("project-agreement-videos")).getAllByRole("row");
    expect(rows.map((r) => Array.from(r.querySelectorAll("th, td"), (c) => c.textContent))).toEqual([
      ["Video", "Coders", "Frames", "Mean κ"],
      ["interview-with-a-very-long-name.mp4", "2 (anna, boris)", "300", "0.70"],
      ["b.mp4", "3 (anna, boris, chen)", "120", "0.20"],
    ]);
    expect(within(rows[1]!).getByRole("link").getAttribute("href")).toBe(
      "/projects/lezgi/videos/v1/agreement",
    );

    // Heatmap: rows are AUs, columns videos, coloured on the κ scale.
    const cell = screen.getByTestId("video-kappa-AU12-1");
    expect(cell.querySelector("rect")!.getAttribute("fill")).toBe(kappaColor(0.6));
    expect(cell.querySelector("title")!.textContent).toBe("AU12 b.mp4: Fleiss' κ 0.600 (moderate)");
    expect(screen.getByTestId("video-kappa-AU4-0").querySelector("text")!.textContent).toBe("—");
    expect(screen.getByTestId("video-kappa-legend").textContent).toContain("Fleiss' κ");
  });

  it("says so when no video has two coders", async () => {
    renderPage({ ...REPORT, videos: [], pooled: { ...REPORT.pooled, videos: 0, frames: 0 } });
    expect((await screen.findByTestId("project-agreement-missing")).textContent).toContain(
      "two coder layers",
    );
  });
});
