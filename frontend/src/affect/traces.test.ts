import { describe, expect, it } from "vitest";
import type { Segment } from "./api";
import { dimensionSeries, emptyTrace, padToValues, recordSample } from "./traces";
import { tracePath } from "./components/TraceChart";

describe("recording traces", () => {
  it("fills skipped frames between two samples", () => {
    let trace = emptyTrace(10, 8);
    trace = recordSample(trace, null, 1, 0.5);
    trace = recordSample(trace, 1, 4, -0.25);
    expect(trace.values).toEqual([null, 0.5, -0.25, -0.25, -0.25, null, null, null]);
  });

  it("does not smear over a seek (a jump of more than two seconds) or backwards", () => {
    const trace = recordSample(emptyTrace(10, 60), 2, 50, 1);
    expect(trace.values.filter((v) => v !== null)).toHaveLength(1);
    expect(recordSample(emptyTrace(10, 8), 6, 3, 1).values[3]).toBe(1);
  });

  it("clamps to −1..1 and ignores frames past the end", () => {
    const trace = recordSample(emptyTrace(10, 3), 1, 5, 7);
    expect(trace.values).toEqual([null, null, 1]);
  });

  it("maps the pad to valence (x) and arousal (y, up is high)", () => {
    expect(padToValues(0, 0, 200, 100)).toEqual({ valence: -1, arousal: 1 });
    expect(padToValues(200, 100, 200, 100)).toEqual({ valence: 1, arousal: -1 });
    expect(padToValues(150, 50, 200, 100)).toEqual({ valence: 0.5, arousal: 0 });
    expect(padToValues(500, -20, 200, 100)).toEqual({ valence: 1, arousal: 1 });
  });
});

describe("dimensionSeries", () => {
  const segment: Segment = {
    t0_ms: 100,
    t1_ms: 300,
    aus: {},
    emotion: null,
    dimensions: { valence: 0.4 },
    note: "",
  };

  it("prefers the trace, resampling by the nearest earlier frame", () => {
    const layer = { segments: [segment], traces: { valence: { fps: 5, values: [0, 0.2, 0.4] } } };
    expect(dimensionSeries(layer, "valence", 10, 6)).toEqual([0, 0, 0.2, 0.2, 0.4, 0.4]);
  });

  it("paints segment values onto the frames they cover, like the server", () => {
    expect(dimensionSeries({ segments: [segment] }, "valence", 10, 5)).toEqual([
      null,
      0.4,
      0.4,
      null,
      null,
    ]);
    expect(dimensionSeries({ segments: [segment] }, "arousal", 10, 3)).toEqual([null, null, null]);
  });

  it("draws trace lines broken at uncoded frames", () => {
    expect(tracePath([1, 0, null, -1], 1, 4000, 400, 100)).toBe("M0.0 0.0L100.0 50.0M300.0 100.0");
  });
});
