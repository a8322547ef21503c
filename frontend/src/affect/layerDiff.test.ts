import { describe, expect, it } from "vitest";
import type { Segment } from "./api";
import { diffSegments } from "./layerDiff";

const seg = (t0: number, t1: number, aus: Record<string, number>, emotion: string | null = null): Segment => ({
  t0_ms: t0,
  t1_ms: t1,
  aus,
  emotion,
  dimensions: {},
  note: "",
});

describe("diffSegments", () => {
  it("matches segments by span and reports added, removed and changed ones in time order", () => {
    const older = [seg(0, 500, { AU12: 1 }), seg(1000, 2000, { AU6: 2 }), seg(3000, 4000, {})];
    const newer = [seg(1000, 2000, { AU6: 2 }), seg(0, 500, { AU12: 3 }), seg(2500, 2600, {}, "fear")];
    expect(diffSegments(older, newer).map((c) => [c.kind, c.t0_ms])).toEqual([
      ["changed", 0],
      ["added", 2500],
      ["removed", 3000],
    ]);
  });

  it("sees no change when only the order of the codes differs", () => {
    const a = seg(0, 500, { AU12: 1, AU6: 2 });
    const b = seg(0, 500, { AU6: 2, AU12: 1 });
    expect(diffSegments([a], [b])).toEqual([]);
  });
});
