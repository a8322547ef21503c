import { describe, expect, it } from "vitest";
import { abbreviationsFrom, gramMeaning, tokenizeGloss, unknownGrams } from "./leipzig";

describe("Leipzig gloss tokenizer", () => {
  it("splits on - = . : and keeps the separators", () => {
    const tokens = tokenizeGloss("1SG.ERG-see-PST=Q:x");
    expect(tokens.map((t) => t.text)).toEqual(["1SG", ".", "ERG", "-", "see", "-", "PST", "=", "Q", ":", "x"]);
    expect(tokens.map((t) => t.kind)).toEqual([
      "gram", "separator", "gram", "separator", "lexical", "separator", "gram", "separator", "gram", "separator", "lexical",
    ]);
    expect(tokens.map((t) => t.text).join("")).toBe("1SG.ERG-see-PST=Q:x");
  });

  it("understands person-number clusters and the N- prefix", () => {
    expect(gramMeaning("3SG")).toBe("third person singular");
    expect(gramMeaning("1PL")).toBe("first person plural");
    expect(gramMeaning("12")).toBe("first person and second person");
    expect(gramMeaning("NPST")).toBe("non-past");
    expect(gramMeaning("3SGX")).toBeNull();
  });

  it("flags unknown grams but not lexical glosses, numbers or allowed grams", () => {
    expect(unknownGrams("dog-AOR.XYZ")).toEqual(["AOR", "XYZ"]);
    expect(unknownGrams("dog-AOR", new Set(["AOR"]))).toEqual([]);
    expect(unknownGrams("big_house-PL")).toEqual([]);
    expect(unknownGrams("")).toEqual([]);
    expect(tokenizeGloss("see")[0]).toEqual({ text: "see", kind: "lexical", meaning: null });
  });

  it("does not treat inherited object keys as grams", () => {
    expect(gramMeaning("constructor")).toBeNull();
  });
});

describe("server abbreviations", () => {
  it("extends the built-in list with the server's", () => {
    const abbreviations = abbreviationsFrom([{ gram: "AOR", meaning: "aorist" }]);
    expect(gramMeaning("AOR", undefined, abbreviations)).toBe("aorist");
    expect(unknownGrams("go-AOR.3SG", undefined, abbreviations)).toEqual([]);
    expect(abbreviationsFrom(null)).toBe(abbreviationsFrom([]));
  });
});
