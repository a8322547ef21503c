import { describe, expect, it } from "vitest";
import type { StoredSuggestions, SuggestResponse } from "./api";
import { cutMorphemes, joinedCut, segmentHints, slotKey, storedHints } from "./machine";

const version = { id: 7, number: 3, kind: "memory", task: "segment", status: "active" };

function answer(words: SuggestResponse["prediction"]["words"]): SuggestResponse {
  return { task: "segment", version, prediction: { id: "u1", words, confidence: 0.5 } };
}

describe("segmentations in the editor", () => {
  it("joins a cut as people type it and cuts it back into morphemes with their glosses", () => {
    expect(joinedCut({ morphemes: ["x", "tok", "ab"], boundaries: ["", "-", "="] })).toBe("x-tok=ab");
    expect(cutMorphemes("x-tok=ab", ["COM", "look.for", "PL"])).toEqual([
      { form: "x", gloss: "COM" },
      { form: "tok", sep: "-", gloss: "look.for" },
      { form: "ab", sep: "=", gloss: "PL" },
    ]);
    // Glosses that do not match the cut one to one are left out, not misplaced.
    expect(cutMorphemes("x-tok", ["COM"])).toEqual([{ form: "x" }, { form: "tok", sep: "-" }]);
  });

  it("proposes the likeliest cut of each unsegmented word, analyses that cut alike adding up", () => {
    const hints = segmentHints(
      "u1",
      answer([
        {
          index: 0,
          form: "xtok",
          labels: [],
          morphemes: [],
          segmentations: [
            { morphemes: ["xtok"], boundaries: [""], glosses: ["look"], p: 0.4 },
            { morphemes: ["x", "tok"], boundaries: ["", "-"], glosses: ["COM", "look.for"], p: 0.35 },
            { morphemes: ["x", "tok"], boundaries: ["", "-"], glosses: ["INC", "look.for"], p: 0.25 },
          ],
        },
        { index: 1, form: "ja", labels: [], morphemes: [], segmentations: [] },
        {
          index: 2,
          form: "wi",
          labels: [],
          morphemes: [],
          segmentations: [{ morphemes: ["wi"], boundaries: [""], glosses: ["EXS"], p: 1 }],
        },
      ]),
      (word) => word === 2, // already segmented in the editor
    );

    expect(Object.keys(hints)).toEqual([slotKey("u1", 0, null)]);
    expect(hints[slotKey("u1", 0, null)]).toEqual({
      label: "x-tok",
      p: 0.6,
      version: 7,
      versionNumber: 3,
      status: "pending",
      glosses: ["COM", "look.for"],
    });
  });

  it("reads stored segmentations apart from stored glosses", () => {
    const stored: StoredSuggestions[] = [
      {
        utterance: "u1",
        task: "segment",
        version: 7,
        version_number: 3,
        utterance_version: 1,
        items: [
          {
            word: 0,
            morpheme: null,
            field: "morphemes",
            label: "x-tok",
            p: 0.9,
            labels: [{ label: "x-tok", p: 0.9, glosses: ["COM", "look.for"] }],
            status: "pending",
          },
        ],
      },
    ];
    expect(storedHints(stored)).toEqual({});
    expect(storedHints(stored, "morphemes")).toEqual({
      [slotKey("u1", 0, null)]: {
        label: "x-tok",
        p: 0.9,
        version: 7,
        versionNumber: 3,
        status: "pending",
        glosses: ["COM", "look.for"],
      },
    });
  });
});
