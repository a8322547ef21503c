/** Colour scales of the agreement charts (no chart library). */

type Rgb = [number, number, number];

/** κ/α scale: −1 red, 0 light grey, 1 blue; the heatmap legend draws the same stops. */
export const KAPPA_STOPS: readonly [number, Rgb][] = [
  [-1, [180, 35, 24]],
  [0, [244, 244, 242]],
  [0.4, [158, 196, 224]],
  [0.6, [95, 150, 196]],
  [1, [31, 72, 118]],
];

export const MISSING_COLOR = "#e3e6ea";

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as Rgb;
}

function rgbOf(value: number): Rgb {
  const v = Math.min(1, Math.max(-1, value));
  for (let i = 1; i < KAPPA_STOPS.length; i++) {
    const [hi, hiRgb] = KAPPA_STOPS[i]!;
    const [lo, loRgb] = KAPPA_STOPS[i - 1]!;
    if (v <= hi) return mix(loRgb, hiRgb, hi === lo ? 0 : (v - lo) / (hi - lo));
  }
  return KAPPA_STOPS[KAPPA_STOPS.length - 1]![1];
}

/** Fill for a coefficient in [−1, 1] (clamped); null/NaN (undefined coefficient) → grey. */
export function kappaColor(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return MISSING_COLOR;
  const [r, g, b] = rgbOf(value);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Black or white text, whichever reads better on kappaColor(value). */
export function kappaTextColor(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "#616e7c";
  const [r, g, b] = rgbOf(value);
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return luminance < 0.55 ? "#ffffff" : "#1f2933";
}

/** Landis & Koch's words for a κ, for tooltips. */
export function kappaLabel(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "undefined";
  if (value < 0) return "poor";
  if (value <= 0.2) return "slight";
  if (value <= 0.4) return "fair";
  if (value <= 0.6) return "moderate";
  if (value <= 0.8) return "substantial";
  return "almost perfect";
}

export function formatCoefficient(value: number | null | undefined, digits = 2): string {
  return value == null || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}

/** Distinct line colours for coders (Okabe–Ito, colour-blind safe). */
export const CODER_COLORS = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#F0E442",
];

export function coderColor(index: number): string {
  return CODER_COLORS[index % CODER_COLORS.length]!;
}
