/**
 * The Toolbox import's marker mapping, as the import dialog builds it: a preset, or markers a
 * user names for each line, sent as the import's `mapping` field
 * (`{markers, decoding, alignment}`, see docs/formats.md).
 */

export type MarkerPreset = "detect" | "sigmorphon" | "toolbox" | "flex_sfm" | "mdf" | "custom";

export const MARKER_PRESETS: readonly { value: MarkerPreset; label: string }[] = [
  { value: "detect", label: "Detect from its first lines" },
  { value: "toolbox", label: "Toolbox / Shoebox interlinear (\\tx \\mb \\ge \\ps \\ft)" },
  { value: "sigmorphon", label: "SIGMORPHON (\\t \\m \\g \\l)" },
  { value: "flex_sfm", label: "FLEx standard-format export (\\wg \\wps too)" },
  { value: "mdf", label: "MDF lexicon (\\lx \\ps \\ge …)" },
  { value: "custom", label: "My own markers" },
];

export interface CustomMarkers {
  record: string;
  text: string;
  words: string;
  transcription: string;
  morphemes: string;
  gloss: string;
  pos: string;
  /** `gr=ru, gf=fr`: further gloss lines and their language. */
  glosses: string;
  /** `ft=en, ftr=ru`: translation lines and their language. */
  translations: string;
}

export const EMPTY_CUSTOM: CustomMarkers = {
  record: "ref",
  text: "id",
  words: "tx",
  transcription: "",
  morphemes: "mb",
  gloss: "ge",
  pos: "ps",
  glosses: "",
  translations: "ft=en",
};

export interface MappingChoice {
  preset: MarkerPreset;
  custom: CustomMarkers;
  tolerant: boolean;
}

const bare = (marker: string) => marker.trim().replace(/^\\+/, "");

/** `gr=ru, gf=fr` → `{gr: "ru", gf: "fr"}`; a pair without `=` names the language after the marker. */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,;\n]/)) {
    const [marker, lang] = part.split("=").map((s) => s.trim());
    if (!marker) continue;
    out[bare(marker)] = lang || bare(marker);
  }
  return out;
}

/** The `mapping` field of a Toolbox import, or null when everything is detected. */
export function buildMapping(choice: MappingChoice): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (choice.preset === "custom") {
    const c = choice.custom;
    const optional = (value: string) => (bare(value) ? bare(value) : null);
    out.markers = {
      record: bare(c.record),
      text: optional(c.text),
      words: bare(c.words) || "tx",
      transcription: optional(c.transcription),
      morphemes: optional(c.morphemes),
      gloss: optional(c.gloss),
      pos: optional(c.pos),
      glosses: parsePairs(c.glosses),
      translations: parsePairs(c.translations),
    };
  } else if (choice.preset !== "detect") {
    out.markers = choice.preset;
  }
  if (choice.tolerant) out.decoding = "tolerant";
  return Object.keys(out).length ? out : null;
}
