import { describe, expect, it } from "vitest";
import type { Utterance } from "../api";
import { setMorphField } from "../igt";
import { cleanRow, rowAfterLoad, settleSave, type RowState } from "./rowStore";

const at = (version: number, glosses: string[]): Utterance => ({
  id: "u1",
  version,
  text: "t1",
  order: 0,
  transcription: "dogs bark",
  words: [
    { form: "dogs", morphemes: [{ form: "dog", gloss: glosses[0] }, { form: "s", sep: "-", gloss: glosses[1] }] },
    { form: "bark", morphemes: [{ form: "bark", gloss: glosses[2] }] },
  ],
});

/** A row based on `base` whose draft has `glosses`, saving it. */
const saving = (base: Utterance, glosses: string[], remote: Utterance | null = null): RowState => {
  let draft = base;
  glosses.forEach((gloss, i) => {
    const [w, m] = [[0, 0], [0, 1], [1, 0]][i]!;
    if (gloss !== (base.words?.[w!]?.morphemes?.[m!]?.gloss ?? "")) draft = setMorphField(draft, w!, m!, "gloss", gloss);
  });
  return { ...cleanRow(base), draft, saving: true, remote };
};

describe("settleSave", () => {
  const v2 = at(2, ["", "", "bark"]);

  it("shows the saved version when nothing happened meanwhile", () => {
    const row = saving(v2, ["dog", "", "bark"]);
    const saved = at(3, ["dog", "", "bark"]);

    expect(settleSave(row, row.draft, saved)).toEqual(cleanRow(saved));
  });

  it("shows another tab's newer save whose event came before the answer", () => {
    // Our save became v3; the other tab's stale save was merged over it as v4, and its event
    // reached us while our request was still in flight.
    const v4 = { ...at(4, ["dog", "PL", "bark"]), updated_by: "manager" };
    const row = saving(v2, ["dog", "", "bark"], v4);
    const settled = settleSave(row, row.draft, at(3, ["dog", "", "bark"]));

    expect(settled).toEqual(cleanRow(v4));
  });

  it("drops an older event's version once the save answered with a newer one", () => {
    const v3 = at(3, ["", "PL", "bark"]);
    const row = saving(v2, ["dog", "", "bark"], v3);
    const merged = at(4, ["dog", "PL", "bark"]);

    expect(settleSave(row, row.draft, merged)).toEqual(cleanRow(merged));
  });

  it("keeps typing made during the request on the saved version when that is what was sent", () => {
    const row = saving(v2, ["dog", "", "bark"]);
    const sent = row.draft;
    const typed = { ...row, draft: setMorphField(row.draft, 0, 1, "gloss", "PL") };
    const saved = at(3, ["dog", "", "bark"]);

    const settled = settleSave(typed, sent, saved);

    expect(settled.base).toBe(saved);
    expect(settled.draft).toBe(typed.draft);
    expect([settled.saving, settled.remote]).toEqual([false, null]);
  });

  it("keeps typing made during a request the server merged on the version it was made against", () => {
    // The server merged someone's "PL" into our save; the draft typed meanwhile lacks it. Based
    // on v3, saving the draft would write over the "PL"; based on v2 it is merged again.
    const row = saving(v2, ["dog", "", "bark"]);
    const sent = row.draft;
    const typed = { ...row, draft: setMorphField(row.draft, 1, 0, "gloss", "howl") };
    const merged = at(3, ["dog", "PL", "bark"]);

    const settled = settleSave(typed, sent, merged);

    expect(settled.base).toBe(v2);
    expect(settled.draft).toBe(typed.draft);
    expect(settled.remote).toBe(merged);
    expect([settled.saving, settled.conflict, settled.error]).toEqual([false, null, null]);
  });
});

describe("rowAfterLoad", () => {
  const v2 = at(2, ["", "", "bark"]);
  const v3 = at(3, ["dog", "", "bark"]);

  it("shows what was loaded in a new or clean row, and keeps a row that already has it", () => {
    expect(rowAfterLoad(undefined, v2)).toEqual(cleanRow(v2));
    expect(rowAfterLoad(cleanRow(v2), v3)).toEqual(cleanRow(v3));
    expect(rowAfterLoad(cleanRow(v2), v2)).toBeNull();
  });

  it("never goes back to an older version than the row has (a load that answered late)", () => {
    expect(rowAfterLoad(cleanRow(v3), v2)).toBeNull();
    expect(rowAfterLoad(saving(v3, ["dog", "PL", "bark"]), v2)).toBeNull();
  });

  it("leaves a row being saved to the save's answer, offering a newer load as remote", () => {
    const row = saving(v2, ["dog", "", "bark"]);
    expect(rowAfterLoad(row, at(2, ["", "", "bark"]))).toBeNull(); // same version, another object
    expect(rowAfterLoad(row, v3)).toEqual({ ...row, remote: v3 });
    const clean = { ...cleanRow(v2), saving: true };
    expect(rowAfterLoad(clean, v3)).toEqual({ ...clean, remote: v3 });
  });

  it("keeps typing and offers the newer version, not an older one than already offered", () => {
    const typed = { ...saving(v2, ["dog", "", "bark"]), saving: false };
    expect(rowAfterLoad(typed, v3)).toEqual({ ...typed, remote: v3 });
    const v4 = at(4, ["dog", "PL", "bark"]);
    expect(rowAfterLoad({ ...typed, remote: v4 }, v3)).toBeNull();
  });
});
