import { describe, expect, it } from "vitest";
import { auFrames, nearestFrame, suggestionLabel, suggestionSpan, type Suggestion } from "./faceApi";

const subject = { subject: 1, frames: [0, 2, 4, 10], boxes: [], points: [], pose: [] };

describe("face coding helpers", () => {
  it("finds the nearest tracked frame within a tolerance", () => {
    expect(nearestFrame(subject, 3)).toBe(1);
    expect(nearestFrame(subject, 4)).toBe(2);
    expect(nearestFrame(subject, 7)).toBe(-1);
    expect(nearestFrame(subject, 11)).toBe(3);
  });

  it("paints human segments and events onto frames", () => {
    const segments = [{ t0_ms: 0, t1_ms: 200, aus: { AU12: 3 }, emotion: null, dimensions: {}, note: "" }];
    const events = [{ au: "AU12", onset_ms: 300, apex_ms: 350, offset_ms: 400, intensity: 5 }];
    expect(auFrames(segments, events, "AU12", 10, 5)).toEqual([3, 3, 0, 5, 0]);
    expect(auFrames(segments, events, "AU4", 10, 3)).toEqual([0, 0, 0]);
  });

  it("labels and spans a suggested event", () => {
    const s: Suggestion = {
      layer: "l",
      key: "AU6@0-100",
      kind: "event",
      event: { au: "AU6", onset_ms: 0, apex_ms: 40, offset_ms: 100, intensity: 3 },
      probability: 0.9,
      model: "face-1",
      status: "pending",
    };
    expect(suggestionLabel(s)).toBe("AU6 (intensity C)");
    expect(suggestionSpan(s)).toEqual([0, 100]);
  });
});
