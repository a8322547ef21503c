import { describe, expect, it } from "vitest";
import {
  KAPPA_STOPS,
  MISSING_COLOR,
  coderColor,
  formatCoefficient,
  kappaColor,
  kappaLabel,
  kappaTextColor,
} from "./colors";

const channels = (css: string) => css.match(/\d+/g)!.map(Number);

describe("kappa colour scale", () => {
  it("hits its stops exactly", () => {
    for (const [value, rgb] of KAPPA_STOPS) expect(kappaColor(value)).toBe(`rgb(${rgb.join(", ")})`);
  });

  it("interpolates between stops", () => {
    const [r0, g0, b0] = channels(kappaColor(0));
    const [r1, g1, b1] = channels(kappaColor(0.4));
    const [r, g, b] = channels(kappaColor(0.2));
    expect(r).toBe(Math.round((r0! + r1!) / 2));
    expect(g).toBe(Math.round((g0! + g1!) / 2));
    expect(b).toBe(Math.round((b0! + b1!) / 2));
  });

  it("gets darker blue as agreement rises and red below zero", () => {
    const blue = [0.2, 0.5, 0.8, 1].map((v) => channels(kappaColor(v))[0]!);
    expect([...blue].sort((a, b) => b - a)).toEqual(blue);
    const [r, g, b] = channels(kappaColor(-0.8));
    expect(r).toBeGreaterThan(g!);
    expect(r).toBeGreaterThan(b!);
  });

  it("clamps out-of-range values and greys out undefined coefficients", () => {
    expect(kappaColor(3)).toBe(kappaColor(1));
    expect(kappaColor(-7)).toBe(kappaColor(-1));
    expect(kappaColor(null)).toBe(MISSING_COLOR);
    expect(kappaColor(Number.NaN)).toBe(MISSING_COLOR);
  });

  it("picks readable text on each fill", () => {
    expect(kappaTextColor(1)).toBe("#ffffff");
    expect(kappaTextColor(0)).toBe("#1f2933");
    expect(kappaTextColor(-1)).toBe("#ffffff");
  });

  it("labels and formats coefficients", () => {
    expect(kappaLabel(0.85)).toBe("almost perfect");
    expect(kappaLabel(0.5)).toBe("moderate");
    expect(kappaLabel(-0.1)).toBe("poor");
    expect(kappaLabel(null)).toBe("undefined");
    expect(formatCoefficient(0.12345)).toBe("0.12");
    expect(formatCoefficient(null)).toBe("—");
    expect(coderColor(0)).not.toBe(coderColor(1));
    expect(coderColor(8)).toBe(coderColor(0));
  });
});
