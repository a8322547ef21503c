import { describe, expect, it } from "vitest";
import type { Utterance } from "./api";
import { diffLines, utteranceLines } from "./history";

const utterance = (gloss: string, translation: string): Utterance => ({
  id: "u1",
  version: 1,
  text: "t1",
  order: 0,
  transcription: "dogs bark",
  translations: { en: translation },
  words: [
    { form: "dogs", morphemes: [{ form: "dog", gloss }, { form: "s", sep: "-", gloss: "PL" }] },
    { form: "bark", pos: "V", morphemes: [{ form: "bark" }] },
  ],
});

describe("history diff", () => {
  it("shows an utterance as one line per tier and word", () => {
    expect(utteranceLines(utterance("dog", "Dogs bark."))).toEqual([
      "Transcription: dogs bark",
      "Word 1: dogs = dog ‘dog’ -s ‘PL’",
      "Word 2: bark [V] = bark",
      "Translation (en): Dogs bark.",
    ]);
  });

  it("marks the lines a change removed and added, keeping the rest", () => {
    const before = utteranceLines(utterance("dog", "Dogs bark."));
    const after = utteranceLines(utterance("hound", "Dogs bark."));
    expect(diffLines(before, after)).toEqual([
      { kind: "same", text: "Transcription: dogs bark" },
      { kind: "removed", text: "Word 1: dogs = dog ‘dog’ -s ‘PL’" },
      { kind: "added", text: "Word 1: dogs = dog ‘hound’ -s ‘PL’" },
      { kind: "same", text: "Word 2: bark [V] = bark" },
      { kind: "same", text: "Translation (en): Dogs bark." },
    ]);
  });
});
