import { describe, expect, it } from "vitest";
import type { Entry } from "./api";
import { fromForm, searchEntries, sortEntries, toForm } from "./lexiconModel";

const entry: Entry = {
  id: "e1",
  version: 4,
  forms: { lez: "фе", "lez-Latn": "fe" },
  type: "root",
  pos: "v",
  senses: [{ id: "s1", gloss: { en: "go", ru: "идти" }, domains: ["motion"] }],
  variants: [{ forms: { lez: "фи" } }],
};

describe("lexicon form model", () => {
  it("round-trips an entry, keeping what the form does not edit", () => {
    const form = toForm(entry);
    expect(form).toMatchObject({ headword: "фе", morphType: "root", pos: "v" });
    const body = fromForm({ ...form, headword: "фена", senses: [{ ...form.senses[0]!, gloss: "leave" }] }, entry);
    expect(body.forms).toEqual({ lez: "фена", "lez-Latn": "fe" });
    expect(body.senses).toEqual([{ id: "s1", gloss: { en: "leave", ru: "идти" }, definition: {}, domains: ["motion"] }]);
    expect(body.variants).toEqual(entry.variants);
    expect(body).not.toHaveProperty("version");
  });

  it("drops empty senses and writes new entries under the object language", () => {
    const body = fromForm({ headword: "сад", morphType: "", pos: "", senses: [{ id: "x", gloss: "", definition: "", rest: {} }] }, null, "lez");
    expect(body).toMatchObject({ forms: { lez: "сад" }, type: null, senses: [] });
  });

  it("searches forms, glosses and definitions and sorts by headword without boundaries", () => {
    const other: Entry = { id: "e2", version: 1, forms: { lez: "-ар" }, senses: [{ id: "s", definition: { en: "plural" } }] };
    expect(searchEntries([entry, other], "PLUR").map((e) => e.id)).toEqual(["e2"]);
    expect(searchEntries([entry, other], "идти").map((e) => e.id)).toEqual(["e1"]);
    expect(sortEntries([entry, other]).map((e) => e.id)).toEqual(["e2", "e1"]);
  });
});
