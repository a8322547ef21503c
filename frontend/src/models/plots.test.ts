import { describe, expect, it } from "vitest";
import { display, liveHints, slotKey, storedHints } from "./machine";
import { heat, percent, polyline, rowShares, scale } from "./plots";

describe("plots", () => {
  it("scales linearly and maps a flat domain to the middle", () => {
    expect(scale(0, 10, 0, 100)(2.5)).toBe(25);
    expect(scale(5, 5, 0, 100)(5)).toBe(50);
  });

  it("writes polyline points and row shares", () => {
    expect(polyline([{ x: 1, y: 2 }, { x: 3.25, y: 4 }])).toBe("1.0,2.0 3.3,4.0");
    expect(rowShares([[3, 1], [0, 0]])).toEqual([[0.75, 0.25], [0, 0]]);
  });

  it("colours zero white and one dark", () => {
    expect(heat(0)).toBe("rgb(255, 255, 255)");
    expect(heat(1)).toBe("rgb(30, 80, 160)");
    expect(percent(0.8123)).toBe("81.2%");
    expect(percent(undefined)).toBe("–");
  });
});

describe("machine hints", () => {
  it("keys stored gloss suggestions by slot and skips POS", () => {
    const hints = storedHints([
      {
        utterance: "u1",
        task: "gloss",
        version: 7,
        version_number: 2,
        utterance_version: 1,
        items: [
          { word: 0, morpheme: 1, field: "gloss", label: "PL", p: 0.9, labels: [], status: "pending" },
          { word: 1, morpheme: null, field: "pos", label: "N", p: 0.9, labels: [], status: "pending" },
        ],
      },
    ]);
    expect(Object.keys(hints)).toEqual([slotKey("u1", 0, 1)]);
    expect(hints["u1:0:1"]).toEqual({ label: "PL", p: 0.9, version: 7, versionNumber: 2, status: "pending" });
  });

  it("takes the top label of each morpheme, or of an unsegmented word", () => {
    const hints = liveHints(
      "u",
      {
        task: "gloss",
        version: { id: 3, number: 1, kind: "memory", task: "gloss", status: "active" },
        prediction: {
          id: "u",
          confidence: 0.8,
          words: [
            {
              index: 0,
              form: "dogs",
              labels: [],
              morphemes: [
                { index: 0, form: "dog", labels: [{ label: "dog", p: 0.9 }] },
                { index: 1, form: "s", labels: [{ label: "PL", p: 0.7 }, { label: "3SG", p: 0.2 }] },
              ],
            },
            { index: 1, form: "bark", labels: [{ label: "bark", p: 0.6 }], morphemes: [] },
          ],
        },
      },
      (w) => w === 0,
    );
    expect(Object.fromEntries(Object.entries(hints).map(([k, h]) => [k, h.label]))).toEqual({
      "u:0:0": "dog",
      "u:0:1": "PL",
      "u:1:-": "bark",
    });
  });

  it("shows ghost text on an empty slot and a mark on an accepted value only", () => {
    const hint = { label: "PL", p: 0.9, version: 1, versionNumber: 1, status: "pending" as const };
    expect(display(hint, "")).toBe("ghost");
    expect(display(hint, "PL")).toBeNull();
    expect(display({ ...hint, status: "accepted" }, "PL")).toBe("machine");
    expect(display({ ...hint, status: "accepted" }, "PL.typed")).toBeNull();
    expect(display({ ...hint, status: "rejected" }, "")).toBeNull();
    expect(display(undefined, "")).toBeNull();
  });
});
