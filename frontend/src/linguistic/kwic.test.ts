import { describe, expect, it } from "vitest";
import type { ConcordanceResult } from "./api";
import { kwic, kwicLines } from "./kwic";

const result = (over: Partial<ConcordanceResult>): ConcordanceResult => ({
  utterance: "u",
  text: "t",
  text_title: "T",
  order: 0,
  transcription: "",
  translations: {},
  words: [],
  hits: [],
  ...over,
});

const words: ConcordanceResult["words"] = [
  { form: "a" },
  {
    form: "nitakula",
    morphemes: [{ form: "ni", gloss: "1SG" }, { form: "ta", sep: "-", gloss: "FUT" }, { form: "kula", sep: "-" }],
  },
  { form: "b", gloss: "B", pos: "n" },
];

describe("KWIC", () => {
  it("splits the hit word around the matched morpheme", () => {
    expect(kwic({ word: 1, morpheme: 1, value: "FUT" }, result({ words }))).toEqual({
      left: "a",
      before: "ni-",
      match: "ta",
      after: "-kula",
      right: "b",
      gloss: "1SG-FUT-?",
    });
  });

  it("marks the whole word for a word-level hit and limits the context", () => {
    expect(kwic({ word: 2, morpheme: null, value: "n" }, result({ words }), "en", 0, 1)).toEqual({
      left: "nitakula",
      before: "",
      match: "b",
      after: "",
      right: "",
      gloss: "B",
    });
  });

  it("gives one line per hit of a result, in order", () => {
    const lines = kwicLines(
      result({
        words,
        hits: [
          { word: 1, morpheme: 0, value: "1SG" },
          { word: 1, morpheme: 2, value: "" },
        ],
      }),
    );
    expect(lines.map((l) => [l.before, l.match, l.after])).toEqual([
      ["", "ni", "-ta-kula"],
      ["ni-ta-", "kula", ""],
    ]);
  });

  it("finds translation hits word by word, repeated words in turn, keeping punctuation outside", () => {
    const lines = kwicLines(
      result({
        translations: { en: "The dog saw the other dog.", fr: "Le chien" },
        hits: [
          { word: -1, morpheme: null, value: "dog" },
          { word: -1, morpheme: null, value: "dog" },
        ],
      }),
      "en",
      2,
    );
    expect(lines).toEqual([
      { left: "The", before: "", match: "dog", after: "", right: "saw the", gloss: "" },
      { left: "the other", before: "", match: "dog", after: ".", right: "", gloss: "" },
    ]);
    expect(kwic({ word: -1, morpheme: null, value: "CHIEN" }, result({ translations: { fr: "Le chien" } }), "fr")).toEqual(
      { left: "Le", before: "", match: "chien", after: "", right: "", gloss: "" },
    );
  });

  it("falls back to the bare value when the hit is not found", () => {
    expect(kwic({ word: 7, morpheme: 0, value: "X" }, result({ words }))).toEqual({
      left: "", before: "", match: "X", after: "", right: "", gloss: "",
    });
    expect(kwic({ word: -1, morpheme: null, value: "cat" }, result({ translations: { en: "dog" } }))).toEqual({
      left: "", before: "", match: "cat", after: "", right: "", gloss: "",
    });
  });
});
