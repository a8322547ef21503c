import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ProgressBar } from "./ProgressBar";

describe("ProgressBar", () => {
  it("reports the fraction as a percentage", () => {
    render(<ProgressBar value={0.424} label="Import" />);

    const bar = screen.getByRole("progressbar", { name: "Import" });
    expect(bar.getAttribute("aria-valuenow")).toBe("42");
    expect(bar.getAttribute("aria-valuetext")).toBe("42%");
    expect(screen.getByText("42%")).toBeTruthy();
    expect((bar.firstElementChild as HTMLElement).style.width).toBe("42%");
  });

  it("clamps values outside 0..1", () => {
    const { rerender } = render(<ProgressBar value={1.7} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");

    rerender(<ProgressBar value={-0.2} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("0");
  });

  it("shows an indeterminate bar when progress is unknown", () => {
    render(<ProgressBar value={null} />);

    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBeNull();
    expect(bar.getAttribute("aria-valuetext")).toBe("In progress");
    expect(bar.className).toContain("progress-indeterminate");
  });
});
