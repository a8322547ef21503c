import { describe, expect, it } from "vitest";
import { EMPTY_CUSTOM, buildMapping, parsePairs } from "./markerMapping";

describe("marker mapping", () => {
  it("leaves everything to detection by default", () => {
    expect(buildMapping({ preset: "detect", custom: EMPTY_CUSTOM, tolerant: false })).toBeNull();
  });

  it("sends a preset by name, with tolerant decoding when asked", () => {
    expect(buildMapping({ preset: "mdf", custom: EMPTY_CUSTOM, tolerant: true })).toEqual({
      markers: "mdf",
      decoding: "tolerant",
    });
  });

  it("builds a user's markers with the languages of gloss and translation lines", () => {
    const custom = {
      ...EMPTY_CUSTOM,
      words: "\\mot",
      transcription: "tx",
      glosses: "gr=ru, \\gf=fr",
      translations: "ft=en, ftr=ru, ftf",
    };
    expect(buildMapping({ preset: "custom", custom, tolerant: false })).toEqual({
      markers: {
        record: "ref",
        text: "id",
        words: "mot",
        transcription: "tx",
        morphemes: "mb",
        gloss: "ge",
        pos: "ps",
        glosses: { gr: "ru", gf: "fr" },
        translations: { ft: "en", ftr: "ru", ftf: "ftf" },
      },
    });
  });

  it("parses pairs separated by commas, semicolons or lines", () => {
    expect(parsePairs("a=x; b=y\nc")).toEqual({ a: "x", b: "y", c: "c" });
  });
});
