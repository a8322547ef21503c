import { describe, expect, it } from "vitest";
import type { Utterance } from "./api";
import {
  CELL_PAD_CH,
  MIN_CELL_CH,
  cellKey,
  deleteWord,
  displayLength,
  insertWord,
  isDirty,
  mergeMorpheme,
  nextCell,
  segmentWord,
  setMorphField,
  setMorphForm,
  setTranscription,
  setWordField,
  splitMorpheme,
  tabFrom,
  tabOrder,
  utteranceCells,
  wordColumns,
} from "./igt";

const utt = (id: string, words: Utterance["words"]): Pick<Utterance, "id" | "words"> => ({ id, words });

describe("interlinear alignment", () => {
  it("makes each morpheme column as wide as its longest tier", () => {
    const cols = wordColumns({
      form: "nitakula",
      morphemes: [
        { form: "ni", gloss: "1SG.SBJ", pos: "" },
        { form: "ta", sep: "-", gloss: "FUT" },
        { form: "kula", sep: "-", gloss: "eat", pos: "v" },
      ],
    });
    // "1SG.SBJ" (7) > "ni"; "-ta" (3) < MIN; "-kula" (5, boundary included) > MIN
    expect(cols.morphemes).toEqual([7 + CELL_PAD_CH, MIN_CELL_CH + CELL_PAD_CH, 5 + CELL_PAD_CH]);
    expect(cols.word).toBe(cols.morphemes.reduce((a, b) => a + b, 0));
  });

  it("widens the last morpheme when the word form is wider than its morphemes", () => {
    const cols = wordColumns({ form: "extraordinarily", morphemes: [{ form: "a" }, { form: "b", sep: "-" }] });
    expect(cols.word).toBe(15 + CELL_PAD_CH);
    expect(cols.morphemes[0]).toBe(MIN_CELL_CH + CELL_PAD_CH);
    expect(cols.morphemes.reduce((a, b) => a + b, 0)).toBe(cols.word);
  });

  it("treats an unsegmented word as one column using the word gloss", () => {
    const cols = wordColumns({ form: "dog", gloss: "dog.PL.ERG" });
    expect(cols.morphemes).toEqual([10 + CELL_PAD_CH]);
  });

  it("counts combining marks as zero width", () => {
    expect(displayLength("ʔa\u0301")).toBe(2);
    expect(displayLength(undefined)).toBe(0);
  });
});

describe("focus model", () => {
  const u1 = utt("u1", [
    { form: "nitakula", morphemes: [{ form: "ni" }, { form: "ta", sep: "-" }] },
    { form: "dog" },
  ]);
  const u2 = utt("u2", [{ form: "x", morphemes: [{ form: "x" }] }]);

  it("orders morpheme glosses word by word, then the translation", () => {
    expect(utteranceCells(u1).map(cellKey)).toEqual(["u1:w0:m0", "u1:w0:m1", "u1:w1:m-", "u1:tr"]);
  });

  it("moves with Tab and Shift-Tab across utterances and stops at the ends", () => {
    const order = tabOrder([u1, u2]);
    expect(nextCell(order, "u1:w0:m1", 1)).toEqual({ utterance: "u1", kind: "gloss", word: 1, morpheme: null });
    expect(cellKey(nextCell(order, "u1:tr", 1)!)).toBe("u2:w0:m0");
    expect(cellKey(nextCell(order, "u2:w0:m0", -1)!)).toBe("u1:tr");
    expect(nextCell(order, "u2:tr", 1)).toBeNull();
    expect(nextCell(order, "u1:w0:m0", -1)).toBeNull();
  });

  it("tabs from a morpheme form to its gloss and from a word form to its first gloss", () => {
    const order = tabOrder([u1, u2]);
    expect(cellKey(tabFrom(order, "u1:w0:m1:form", 1)!)).toBe("u1:w0:m1");
    expect(cellKey(tabFrom(order, "u1:w0:m1:form", -1)!)).toBe("u1:w0:m0");
    expect(cellKey(tabFrom(order, "u1:w1:m-:form", 1)!)).toBe("u1:w1:m-");
    expect(cellKey(tabFrom(order, "u2:w0:word", 1)!)).toBe("u2:w0:m0");
    expect(cellKey(tabFrom(order, "u2:w0:word", -1)!)).toBe("u1:tr");
    expect(tabFrom(order, "u1:w0:word", -1)).toBeNull();
    expect(cellKey(tabFrom(order, "u1:tr", 1)!)).toBe("u2:w0:m0");
  });

  it("enters at the first or last cell from outside", () => {
    const order = tabOrder([u1, u2]);
    expect(cellKey(nextCell(order, null, 1)!)).toBe("u1:w0:m0");
    expect(cellKey(nextCell(order, "elsewhere", -1)!)).toBe("u2:tr");
    expect(nextCell([], null, 1)).toBeNull();
  });
});

describe("edits", () => {
  it("sets a morpheme gloss immutably and marks the draft dirty", () => {
    const base: Pick<Utterance, "words"> = { words: [{ form: "ab", morphemes: [{ form: "a" }, { form: "b", sep: "-" }] }] };
    const draft = setMorphField(base, 0, 1, "gloss", "PL");
    expect(draft.words?.[0]?.morphemes?.[1]?.gloss).toBe("PL");
    expect(base.words?.[0]?.morphemes?.[1]).toEqual({ form: "b", sep: "-" });
    expect(isDirty(base, draft)).toBe(true);
    expect(isDirty(base, setMorphField(draft, 0, 1, "gloss", ""))).toBe(false);
  });
});

describe("word tier and transcription edits", () => {
  const base: Pick<Utterance, "words" | "transcription" | "translations"> = {
    transcription: "dogs bark",
    words: [{ form: "dogs", morphemes: [{ form: "dog" }, { form: "s", sep: "-" }] }, { form: "bark", pos: "v" }],
  };

  it("edits a word's form and POS, a morpheme's form and the transcription", () => {
    expect(setWordField(base, 1, "form", "barks").words?.[1]).toEqual({ form: "barks", pos: "v" });
    expect(setWordField(base, 0, "pos", "n").words?.[0]).toEqual({ ...base.words?.[0], pos: "n" });
    expect(setMorphForm(base, 0, 1, "es").words?.[0]?.morphemes).toEqual([{ form: "dog" }, { form: "es", sep: "-" }]);
    // An unsegmented word's only "morpheme" is the word itself.
    expect(setMorphForm(base, 1, null, "woof").words?.[1]).toEqual({ form: "woof", pos: "v" });
    expect(setTranscription(base, "dogs barked").transcription).toBe("dogs barked");
    expect(base.transcription).toBe("dogs bark");
    expect(isDirty(base, setTranscription(base, "x"))).toBe(true);
  });

  it("inserts an empty word at a position and deletes a word", () => {
    expect(insertWord(base, 1).words?.map((w) => w.form)).toEqual(["dogs", "", "bark"]);
    expect(insertWord(base, 2).words?.map((w) => w.form)).toEqual(["dogs", "bark", ""]);
    expect(insertWord(base, 99).words?.map((w) => w.form)).toEqual(["dogs", "bark", ""]);
    expect(deleteWord(base, 0).words).toEqual([{ form: "bark", pos: "v" }]);
    expect(base.words).toHaveLength(2);
    expect(isDirty(base, insertWord(base, 0))).toBe(true);
  });
});

describe("splitting and merging morphemes", () => {
  const one = (morphemes: NonNullable<Utterance["words"]>[number]["morphemes"], extra = {}) => ({
    words: [{ form: "dogs", ...extra, morphemes }],
  });

  it("cuts the form at the caret; the gloss stays on the first part, focus goes to the new one", () => {
    const u = one([{ form: "dogs", gloss: "dog.PL", pos: "n", lemma: "e1", sense: "s1" }]);
    const result = splitMorpheme(u, 0, 0, "form", 3);
    expect(result?.utterance.words?.[0]?.morphemes).toEqual([
      { form: "dog", gloss: "dog.PL", pos: "n" },
      { form: "s", sep: "-", gloss: "" },
    ]);
    expect(result?.focus).toEqual({ word: 0, morpheme: 1, field: "form", caret: 0 });
    expect(u.words[0]?.morphemes).toHaveLength(1);
  });

  it("cuts the gloss at the caret; the new morpheme has an empty form", () => {
    const u = one([{ form: "dogs", gloss: "dogPL", lemma: "e1" }, { form: "x", sep: "=" }]);
    const result = splitMorpheme(u, 0, 0, "gloss", 3);
    expect(result?.utterance.words?.[0]?.morphemes).toEqual([
      { form: "dogs", gloss: "dog", lemma: "e1" },
      { form: "", sep: "-", gloss: "PL" },
      { form: "x", sep: "=" },
    ]);
    expect(result?.focus).toEqual({ word: 0, morpheme: 1, field: "gloss", caret: 0 });
  });

  it("takes a boundary typed at the caret as the separator", () => {
    const u = one([{ form: "dog=s", gloss: "dog-PL" }]);
    expect(splitMorpheme(u, 0, 0, "form", 3)?.utterance.words?.[0]?.morphemes).toEqual([
      { form: "dog", gloss: "dog-PL" },
      { form: "s", sep: "=", gloss: "" },
    ]);
    expect(splitMorpheme(u, 0, 0, "gloss", 4)?.utterance.words?.[0]?.morphemes).toEqual([
      { form: "dog=s", gloss: "dog" },
      { form: "", sep: "-", gloss: "PL" },
    ]);
  });

  it("cuts an unsegmented word as a machine segmentation proposes; a segmented one is left", () => {
    const u = { words: [{ form: "xtok", pos: "v" }, { form: "ja", morphemes: [{ form: "ja", gloss: "house" }] }] };
    const morphs = [{ form: "x", gloss: "COM" }, { form: "tok", sep: "-" as const, gloss: "look.for" }];
    const result = segmentWord(u, 0, morphs);
    expect(result?.utterance.words?.[0]).toEqual({ form: "xtok", pos: "v", morphemes: morphs });
    expect(result?.utterance.words?.[1]).toBe(u.words[1]);
    expect(result?.focus).toEqual({ word: 0, morpheme: 0, field: "gloss", caret: 0 });
    expect(u.words[0]).toEqual({ form: "xtok", pos: "v" }); // not changed in place
    expect(segmentWord(u, 1, morphs)).toBeNull();
    expect(segmentWord(u, 0, [])).toBeNull();
  });

  it("segments an unsegmented word: its gloss moves to the morphemes, its POS stays on the word", () => {
    const u = { words: [{ form: "dogs", gloss: "dog.PL", pos: "n" }] };
    const result = splitMorpheme(u, 0, null, "form", 3);
    expect(result?.utterance.words).toEqual([
      { form: "dogs", pos: "n", morphemes: [{ form: "dog", gloss: "dog.PL" }, { form: "s", sep: "-", gloss: "" }] },
    ]);
    expect(result?.focus).toEqual({ word: 0, morpheme: 1, field: "form", caret: 0 });
    expect(splitMorpheme(u, 5, null, "form", 1)).toBeNull();
  });

  it("merges an empty morpheme back into the previous one, undoing a split", () => {
    const u = one([{ form: "dogs", gloss: "dog-PL", lemma: "e1" }]);
    const split = splitMorpheme(u, 0, 0, "gloss", 3)!;
    const merged = mergeMorpheme(split.utterance, 0, 1, "form");
    expect(merged?.utterance.words?.[0]?.morphemes).toEqual([{ form: "dogs", gloss: "dog-PL", lemma: "e1" }]);
    expect(merged?.focus).toEqual({ word: 0, morpheme: 0, field: "form", caret: 4 });
  });

  it("joins forms as they are and glosses with the separator; the caret sits at the join", () => {
    const u = one([{ form: "dog", gloss: "dog", lemma: "e1", sense: "s1" }, { form: "s", sep: "=", gloss: "" }, { form: "z" }]);
    const merged = mergeMorpheme(u, 0, 1, "gloss");
    expect(merged?.utterance.words?.[0]?.morphemes).toEqual([{ form: "dogs", gloss: "dog" }, { form: "z" }]);
    expect(merged?.focus).toEqual({ word: 0, morpheme: 0, field: "gloss", caret: 3 });
    const glossed = one([{ form: "a", gloss: "A" }, { form: "", sep: "=", gloss: "B" }]);
    expect(mergeMorpheme(glossed, 0, 1, "form")?.utterance.words?.[0]?.morphemes).toEqual([{ form: "a", gloss: "A=B" }]);
  });

  it("does not merge a first morpheme or an unsegmented word", () => {
    expect(mergeMorpheme(one([{ form: "a" }, { form: "b" }]), 0, 0, "form")).toBeNull();
    expect(mergeMorpheme({ words: [{ form: "a" }] }, 0, null, "gloss")).toBeNull();
  });
});
