/**
 * Timeline math: times are integer milliseconds, segments half-open [t0, t1) as on the server
 * (`annotations/affect/model.py`): frame i of a video at `fps` is at floor(i·1000/fps) ms and a
 * segment covers the frames whose time falls inside it.
 */
import type { Segment } from "./api";

const EPS = 1e-9;

/** Pixel offset of a time on a timeline `width` px wide showing [start, end) ms. */
export function timeToX(ms: number, view: View, width: number): number {
  const span = view.end - view.start;
  return span > 0 ? ((ms - view.start) / span) * width : 0;
}

/** Inverse of timeToX, clamped to the view. */
export function xToTime(x: number, view: View, width: number): number {
  if (width <= 0) return view.start;
  const ms = view.start + (x / width) * (view.end - view.start);
  return Math.min(view.end, Math.max(view.start, ms));
}

export interface View {
  start: number;
  end: number;
}

/** The frame shown at `ms` (the last frame whose time is ≤ ms). */
export function frameAt(ms: number, fps: number): number {
  return Math.max(0, Math.floor((ms * fps) / 1000 + EPS));
}

/**
 * The first frame whose time is at or after `ms` (the server's `frame_range`): the frame a
 * segment boundary at `ms` starts. frameToMs rounds down, so this is not frameAt.
 */
export function boundaryFrame(ms: number, fps: number): number {
  return Math.max(0, Math.ceil((ms * fps) / 1000 - EPS));
}

/** The time of frame `frame` in whole ms (the server's `frame_to_ms`). */
export function frameToMs(frame: number, fps: number): number {
  return Math.floor((frame * 1000) / fps + EPS);
}

/** Snap a time to the nearest frame boundary. */
export function snapToFrame(ms: number, fps: number): number {
  return frameToMs(Math.round((ms * fps) / 1000), fps);
}

/** Where to put the player to show `frame`: mid-frame, so decoders never land one frame early. */
export function frameSeekSeconds(frame: number, fps: number): number {
  return (frame + 0.5) / fps;
}

export interface Limits {
  fps: number;
  durationMs: number;
}

function clamp(ms: number, limits: Limits): number {
  return Math.min(limits.durationMs, Math.max(0, ms));
}

/**
 * A new segment between two times (either order), snapped to frames and kept inside the media;
 * null when it would hold no time at all (t1 ≤ t0).
 */
export function makeSegment(a: number, b: number, limits: Limits): Segment | null {
  const t0 = clamp(snapToFrame(Math.min(a, b), limits.fps), limits);
  const t1 = clamp(snapToFrame(Math.max(a, b), limits.fps), limits);
  if (!(t1 > t0)) return null;
  return { t0_ms: t0, t1_ms: t1, aus: {}, emotion: null, dimensions: {}, note: "" };
}

export type Edge = "start" | "end";

/**
 * Move one edge of a segment to `ms` (snapped to a frame). The edge stops one frame short of
 * the other edge and at the media bounds, so the result always has t1 > t0.
 */
export function resizeSegment(segment: Segment, edge: Edge, ms: number, limits: Limits): Segment {
  const snapped = snapToFrame(ms, limits.fps);
  if (edge === "start") {
    const lastStart = frameToMs(boundaryFrame(segment.t1_ms, limits.fps) - 1, limits.fps);
    const maxStart = lastStart < segment.t1_ms ? lastStart : segment.t1_ms - 1;
    return { ...segment, t0_ms: Math.max(0, Math.min(snapped, maxStart)) };
  }
  const firstEnd = frameToMs(boundaryFrame(segment.t0_ms, limits.fps) + 1, limits.fps);
  const minEnd = firstEnd > segment.t0_ms ? firstEnd : segment.t0_ms + 1;
  return { ...segment, t1_ms: Math.min(limits.durationMs, Math.max(snapped, minEnd)) };
}

/** Nudge one edge by `frames` frames (negative: earlier), with resizeSegment's rules. */
export function nudgeSegment(
  segment: Segment,
  edge: Edge,
  frames: number,
  limits: Limits,
): Segment {
  const at = edge === "start" ? segment.t0_ms : segment.t1_ms;
  const frame = boundaryFrame(at, limits.fps) + frames;
  return resizeSegment(segment, edge, frameToMs(frame, limits.fps), limits);
}

/** Segments in time order (ties: shorter first), for stable display and saving. */
export function sortSegments(segments: Segment[]): Segment[] {
  return [...segments].sort((a, b) => a.t0_ms - b.t0_ms || a.t1_ms - b.t1_ms);
}

/** "1:02.345" for 62345 ms. */
export function formatTime(ms: number): string {
  const safe = Math.max(0, Math.round(ms));
  const minutes = Math.floor(safe / 60000);
  const seconds = (safe % 60000) / 1000;
  return `${minutes}:${seconds.toFixed(3).padStart(6, "0")}`;
}

/** Tick spacing (ms) giving at most about `maxTicks` labelled ticks over `spanMs`. */
export function tickStep(spanMs: number, maxTicks = 10): number {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000];
  for (const step of steps) if (spanMs / step <= maxTicks) return step;
  return 600000;
}
