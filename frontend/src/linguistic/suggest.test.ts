import { describe, expect, it } from "vitest";
import type { Entry } from "./api";
import { buildLexiconIndex, normalizeForm, suggestionsFor } from "./suggest";

const entries: Entry[] = [
  { id: "e1", version: 1, forms: { lez: "-ta" }, type: "suffix", senses: [{ id: "s1", gloss: { en: "FUT" } }] },
  { id: "e2", version: 1, forms: { lez: "kula" }, pos: "v", senses: [{ id: "s2", gloss: { en: "eat" } }, { id: "s3", gloss: { en: "consume" } }] },
];

describe("lexicon suggestions", () => {
  it("matches morpheme forms without boundaries or case", () => {
    expect(normalizeForm("-Ta=")).toBe("ta");
    const index = buildLexiconIndex(entries);
    expect(suggestionsFor(index, "ta", "").map((s) => s.gloss)).toEqual(["FUT"]);
    expect(suggestionsFor(index, "kula", "").map((s) => [s.gloss, s.entryId, s.senseId, s.pos])).toEqual([
      ["eat", "e2", "s2", "v"],
      ["consume", "e2", "s3", "v"],
    ]);
  });

  it("narrows to glosses starting with what is typed and hides an exact match", () => {
    const index = buildLexiconIndex(entries);
    expect(suggestionsFor(index, "kula", "co").map((s) => s.gloss)).toEqual(["consume"]);
    expect(suggestionsFor(index, "kula", "eat")).toEqual([]);
    expect(suggestionsFor(index, "zzz", "")).toEqual([]);
  });
});
