/** Pure helpers of the model pictures: scales, heat-map colours, polyline points. */

export interface Point {
  x: number;
  y: number;
}

/** A linear map from [d0, d1] to [r0, r1]; a degenerate domain maps to the range's middle. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** "x1,y1 x2,y2 …" for an SVG polyline. */
export function polyline(points: Point[]): string {
  return points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

/** Share of each gold row that went to each prediction (rows of zeros stay zeros). */
export function rowShares(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total ? v / total : 0));
  });
}

/** White to dark blue as the share goes 0 to 1. */
export function heat(share: number): string {
  const s = Math.min(1, Math.max(0, share));
  const r = Math.round(255 - s * (255 - 30));
  const g = Math.round(255 - s * (255 - 80));
  const b = Math.round(255 - s * (255 - 160));
  return `rgb(${r}, ${g}, ${b})`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  return typeof value === "number" ? `${(value * 100).toFixed(digits)}%` : "–";
}
