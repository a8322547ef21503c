/**
 * Automatic face coding API (`annotations/affect_api/face_views.py`): face tracks for the
 * overlay, suggestions of the machine layers and coders' decisions, training and coding jobs.
 */
import { request, type Job } from "../api";
import type { AuEvent, Segment } from "./api";

const enc = encodeURIComponent;
const videoPath = (slug: string, id: string) => `/projects/${enc(slug)}/videos/${enc(id)}`;

export interface FaceSubject {
  subject: number;
  frames: number[];
  /** x, y, w, h as fractions of the frame. */
  boxes: [number, number, number, number][];
  /** Contour landmarks per frame, [x, y] fractions of the frame. */
  points: [number, number][][];
  /** Yaw, pitch, roll in degrees. */
  pose: [number, number, number][];
}

export interface FaceTracks {
  video: string;
  fps: number;
  subjects: FaceSubject[];
}

export type SuggestionStatus = "pending" | "accepted" | "rejected" | "edited";

export interface Suggestion {
  layer: string;
  key: string;
  kind: "event" | "segment";
  event?: AuEvent;
  segment?: Segment;
  probability: number | null;
  model: string | null;
  status: SuggestionStatus;
}

export type Decision = "accept" | "reject" | "edit";

export interface FaceModel {
  id: string;
  number: number;
  name: string;
  aus: string[];
  categories: string[];
  meta: { held_out?: { au_f1: Record<string, number | null>; emotion_accuracy: number | null } };
  created_by: string;
  created_at: string;
}

export const faceApi = {
  tracks: (slug: string, id: string, t0Ms: number, t1Ms: number) =>
    request<FaceTracks>(
      "GET",
      `${videoPath(slug, id)}/face/tracks/?t0_ms=${Math.max(0, Math.floor(t0Ms))}&t1_ms=${Math.ceil(t1Ms)}`,
    ),
  suggestions: (slug: string, id: string) =>
    request<Suggestion[]>("GET", `${videoPath(slug, id)}/face/suggestions/`),
  decide: (slug: string, id: string, layer: string, key: string, decision: Decision) =>
    request<{ key: string; decision: Decision; target_layer: string | null }>(
      "POST",
      `${videoPath(slug, id)}/face/suggestions/`,
      { body: { layer, key, decision } },
    ),
  code: (slug: string, id: string) =>
    request<Job>("POST", `${videoPath(slug, id)}/face/code/`, { body: {} }),
  train: (slug: string, source: string) =>
    request<Job>("POST", `/projects/${enc(slug)}/affect/face/train/`, { body: { source } }),
  models: (slug: string) => request<FaceModel[]>("GET", `/projects/${enc(slug)}/affect/face/models/`),
};

/** Start and end time of a suggestion in ms. */
export function suggestionSpan(s: Suggestion): [number, number] {
  if (s.event) return [s.event.onset_ms, s.event.offset_ms];
  if (s.segment) return [s.segment.t0_ms, s.segment.t1_ms];
  return [0, 0];
}

/** What a suggestion says, in a few words. */
export function suggestionLabel(s: Suggestion): string {
  if (s.event) return `${s.event.au} (intensity ${"ABCDE"[s.event.intensity - 1] ?? s.event.intensity})`;
  if (s.segment) return s.segment.emotion ?? "emotion";
  return s.key;
}

/** The index of the frame of `subject` nearest to `frame` (within `tolerance` frames), or -1. */
export function nearestFrame(subject: FaceSubject, frame: number, tolerance = 2): number {
  let lo = 0;
  let hi = subject.frames.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((subject.frames[mid] ?? 0) < frame) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  for (const i of [lo - 1, lo]) {
    if (i < 0 || i >= subject.frames.length) continue;
    const d = Math.abs((subject.frames[i] ?? 0) - frame);
    const bestD = best < 0 ? Infinity : Math.abs((subject.frames[best] ?? 0) - frame);
    if (d <= tolerance && d < bestD) best = i;
  }
  return best;
}

/** Frame-level AU intensity of a human layer from its segments and events (0 = absent). */
export function auFrames(
  segments: Segment[],
  events: AuEvent[],
  au: string,
  fps: number,
  frameCount: number,
): number[] {
  const out = new Array<number>(frameCount).fill(0);
  const paint = (t0: number, t1: number, v: number) => {
    const first = Math.max(0, Math.ceil((t0 * fps) / 1000 - 1e-9));
    const stop = Math.min(frameCount, Math.ceil((t1 * fps) / 1000 - 1e-9));
    for (let i = first; i < stop; i++) out[i] = v;
  };
  for (const s of segments) {
    const v = s.aus[au];
    if (v !== undefined) paint(s.t0_ms, s.t1_ms, v);
  }
  for (const e of events) if (e.au === au) paint(e.onset_ms, e.offset_ms, e.intensity);
  return out;
}
