import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MISSING_COLOR, kappaColor } from "../colors";
import { KappaHeatmap } from "./KappaHeatmap";

describe("KappaHeatmap", () => {
  it("draws one coloured cell per AU and pair with its value, and a legend", () => {
    render(
      <KappaHeatmap
        aus={["AU6", "AU12"]}
        pairs={[
          ["anna", "boris"],
          ["anna", "chen"],
        ]}
        kappa={[
          [0.8, null],
          [-0.2, 0.45],
        ]}
      />,
    );
    const cell = screen.getByTestId("kappa-AU6-0");
    expect(cell.querySelector("rect")!.getAttribute("fill")).toBe(kappaColor(0.8));
    expect(cell.textContent).toContain("0.80");
    expect(screen.getByTestId("kappa-AU6-1").textContent).toContain("-0.20");
    const missing = screen.getByTestId("kappa-AU12-0");
    expect(missing.querySelector("rect")!.getAttribute("fill")).toBe(MISSING_COLOR);
    expect(missing.textContent).toContain("—");
    expect(missing.querySelector("title")!.textContent).toContain("undefined");
    expect(screen.getByTestId("kappa-AU12-1").querySelector("title")!.textContent).toContain(
      "moderate",
    );
    expect(screen.getByText("AU12 Lip Corner Puller")).toBeTruthy();
    expect(screen.getByTestId("kappa-legend").textContent).toContain("undefined");
  });
});
