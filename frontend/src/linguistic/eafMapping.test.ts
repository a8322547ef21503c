import { describe, expect, it } from "vitest";
import type { EafTier } from "./api";
import { cleanEafMapping, guessEafMapping } from "./eafMapping";

const tier = (id: string, linguistic_type: string, parent: string | null, annotations: number, constraint: string | null = null): EafTier => ({
  id,
  linguistic_type,
  parent,
  constraint,
  participant: null,
  lang: "eng",
  annotations,
});

// The tiers of the MPI demo document in ../shared/data/elan (as `imports/eaf/tiers/` lists them).
const SAMPLE: EafTier[] = [
  tier("text", "text", null, 399),
  tier("words-timesub", "words_timesub", "text", 1995, "Time_Subdivision"),
  tier("words-symsub", "words_symsub", "text", 1995, "Symbolic_Subdivision"),
  tier("gestures", "gesture", null, 1197),
  tier("gest_included", "gest_included", "text", 10, "Included_In"),
  tier("words-pos", "pos", "words-symsub", 1995, "Symbolic_Association"),
];

describe("guessEafMapping", () => {
  it("maps the demo file's text, symbolic words and POS", () => {
    expect(cleanEafMapping(guessEafMapping(SAMPLE)!)).toEqual({
      utterance: "text",
      words: "words-symsub",
      pos: "words-pos",
    });
  });

  it("has nothing to map without tiers", () => {
    expect(guessEafMapping([])).toBeNull();
  });
});
