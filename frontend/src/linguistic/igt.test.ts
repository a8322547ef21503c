import { describe, expect, it } from "vitest";
import type { Utterance } from "./api";
import {
  CELL_PAD_CH,
  MIN_CELL_CH,
  cellKey,
  displayLength,
  isDirty,
  nextCell,
  setMorphField,
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
