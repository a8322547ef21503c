import { describe, expect, it } from "vitest";
import { showTerm } from "./api";

const prefixes = { ligt: "http://purl.org/ligt/ligt-0.2#" };

describe("showTerm", () => {
  it("shortens IRIs by the known prefixes", () => {
    expect(showTerm({ type: "uri", value: "http://purl.org/ligt/ligt-0.2#Morph" }, prefixes)).toBe("ligt:Morph");
    expect(showTerm({ type: "uri", value: "http://example.org/x" }, prefixes)).toBe("http://example.org/x");
  });
  it("marks a literal's language and leaves out absent cells", () => {
    expect(showTerm({ type: "literal", value: "gada", "xml:lang": "lez" }, prefixes)).toBe("gada @lez");
    expect(showTerm(undefined, prefixes)).toBe("");
  });
});
