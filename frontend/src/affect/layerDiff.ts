/** What changed in a layer's segments between two versions, for the history panel. */
import type { Segment } from "./api";

export interface SegmentChange {
  kind: "added" | "removed" | "changed";
  t0_ms: number;
  t1_ms: number;
  /** The segment in the older version (removed, changed). */
  before?: Segment;
  /** The segment in the newer version (added, changed). */
  after?: Segment;
}

const spanKey = (s: Segment) => `${s.t0_ms}-${s.t1_ms}`;

function sameCodes(a: Segment, b: Segment): boolean {
  const norm = (s: Segment) =>
    JSON.stringify([
      Object.entries(s.aus).sort(([x], [y]) => x.localeCompare(y)),
      s.emotion ?? null,
      Object.entries(s.dimensions ?? {}).sort(([x], [y]) => x.localeCompare(y)),
      s.note ?? "",
    ]);
  return norm(a) === norm(b);
}

/**
 * Segments matched by their span: a span only in `older` was removed, only in `newer` added, in
 * both with other codes changed. Sorted by time.
 */
export function diffSegments(older: Segment[], newer: Segment[]): SegmentChange[] {
  const before = new Map(older.map((s) => [spanKey(s), s]));
  const after = new Map(newer.map((s) => [spanKey(s), s]));
  const changes: SegmentChange[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (!now) changes.push({ kind: "removed", t0_ms: old.t0_ms, t1_ms: old.t1_ms, before: old });
    else if (!sameCodes(old, now)) {
      changes.push({ kind: "changed", t0_ms: old.t0_ms, t1_ms: old.t1_ms, before: old, after: now });
    }
  }
  for (const [key, now] of after) {
    if (!before.has(key)) changes.push({ kind: "added", t0_ms: now.t0_ms, t1_ms: now.t1_ms, after: now });
  }
  return changes.sort((a, b) => a.t0_ms - b.t0_ms || a.t1_ms - b.t1_ms);
}
