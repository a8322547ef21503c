import { describe, expect, it } from "vitest";
import type { Utterance } from "./api";
import { diffCells, keepMine, mergeUtterances, sameShape } from "./conflict";

type D = Pick<Utterance, "words" | "translations" | "transcription">;
const doc = (g1: string, g2: string, tr = ""): D => ({
  transcription: "ni-ta",
  translations: tr ? { en: tr } : {},
  words: [{ form: "nita", morphemes: [{ form: "ni", gloss: g1 }, { form: "ta", sep: "-", gloss: g2 }] }],
});

describe("conflict merge", () => {
  it("lists only cells that differ, marking who changed what", () => {
    const diffs = diffCells(doc("", ""), doc("1SG", ""), doc("", "FUT"));
    expect(diffs.map((d) => [d.path, d.mine, d.theirs, d.mineChanged, d.theirsChanged, d.clash])).toEqual([
      ["words.0.morphemes.0.gloss", "1SG", "", true, false, false],
      ["words.0.morphemes.1.gloss", "", "FUT", false, true, false],
    ]);
    expect(diffs[0]?.label).toBe("ni gloss");
  });

  it("merges non-overlapping edits onto theirs", () => {
    const theirs = { ...doc("", "FUT", "I will"), version: 3 };
    const result = mergeUtterances(doc("", ""), doc("1SG", ""), theirs);
    expect(result?.clashes).toEqual([]);
    expect(result?.merged.words?.[0]?.morphemes?.map((m) => m.gloss)).toEqual(["1SG", "FUT"]);
    expect(result?.merged.translations).toEqual({ en: "I will" });
    expect(result?.merged.version).toBe(3);
  });

  it("reports clashes (mine wins in the merge) and adds new translation languages", () => {
    const result = mergeUtterances(doc("", ""), { ...doc("1SG", ""), translations: { fr: "je" } }, doc("2SG", ""));
    expect(result?.clashes.map((c) => [c.mine, c.theirs])).toEqual([["1SG", "2SG"]]);
    expect(result?.merged.words?.[0]?.morphemes?.[0]?.gloss).toBe("1SG");
    expect(result?.merged.translations).toEqual({ fr: "je" });
  });

  it("refuses to merge when the segmentation differs", () => {
    const resegmented: D = { words: [{ form: "nita", morphemes: [{ form: "nita", gloss: "x" }] }] };
    expect(sameShape(doc("", ""), resegmented)).toBe(false);
    expect(mergeUtterances(doc("", ""), doc("1SG", ""), resegmented)).toBeNull();
  });

  it("keeps mine entirely on overwrite, on top of their version", () => {
    const mine = doc("1SG", "FUT");
    expect(keepMine(mine, { version: 7 })).toEqual({ doc: mine, version: 7 });
  });
});
