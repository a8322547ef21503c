/** Frame-level valence/arousal traces: recording from the pad and reading for charts. */
import type { LayerDetail, Trace } from "./api";
import type { Dimension } from "./schema";

/** A trace of `frames` uncoded frames. */
export function emptyTrace(fps: number, frames: number): Trace {
  return { fps, values: new Array<number | null>(Math.max(0, frames)).fill(null) };
}

/**
 * Write `value` into frames (from, to] of `values` in place (or just `to` when `from` is null,
 * not before `to`, or more than two seconds back: a seek, not a skipped frame), so a recording
 * that skips frames between two samples leaves no holes. Frames past the end are ignored.
 */
export function fillFrames(
  values: (number | null)[],
  fps: number,
  from: number | null,
  to: number,
  value: number,
): void {
  const clamped = Math.round(Math.max(-1, Math.min(1, value)) * 1000) / 1000;
  const start = from !== null && from < to && to - from <= fps * 2 ? from + 1 : to;
  for (let frame = Math.max(0, start); frame <= to && frame < values.length; frame++) {
    values[frame] = clamped;
  }
}

/** fillFrames on a copy: returns a new trace. */
export function recordSample(
  trace: Trace,
  from: number | null,
  to: number,
  value: number,
): Trace {
  const values = trace.values.slice();
  fillFrames(values, trace.fps, from, to, value);
  return { ...trace, values };
}

/** Pad position (px inside a w×h box) → valence (x, −1 left..1 right), arousal (y, 1 top). */
export function padToValues(
  x: number,
  y: number,
  width: number,
  height: number,
): { valence: number; arousal: number } {
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  return {
    valence: clamp(width > 0 ? (x / width) * 2 - 1 : 0),
    arousal: clamp(height > 0 ? 1 - (y / height) * 2 : 0),
  };
}

/**
 * One layer's values of a dimension per frame, as the server's `Layer.frames` computes them:
 * a trace wins (resampled to `fps` by nearest earlier frame); otherwise segment-level values.
 */
export function dimensionSeries(
  layer: Pick<LayerDetail, "traces" | "segments">,
  dimension: Dimension,
  fps: number,
  frames: number,
): (number | null)[] {
  const out = new Array<number | null>(frames).fill(null);
  const trace = layer.traces?.[dimension];
  if (trace) {
    for (let i = 0; i < frames; i++) {
      const source = trace.fps === fps ? i : Math.floor((i * trace.fps) / fps + 1e-9);
      out[i] = trace.values[source] ?? null;
    }
    return out;
  }
  for (const segment of layer.segments) {
    const value = segment.dimensions[dimension];
    if (value === undefined) continue;
    const first = Math.ceil((segment.t0_ms * fps) / 1000 - 1e-9);
    const stop = Math.ceil((segment.t1_ms * fps) / 1000 - 1e-9);
    for (let i = Math.max(0, first); i < Math.min(stop, frames); i++) out[i] = value;
  }
  return out;
}

/** Whether any frame of a trace is coded. */
export function hasValues(trace: Trace | undefined): boolean {
  return !!trace && trace.values.some((v) => v !== null);
}
