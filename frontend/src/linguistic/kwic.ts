/** Key word in context: a concordance hit laid out as left context, keyword, right context. */
import type { ConcordanceResult, Hit } from "./api";

export interface KwicLine {
  left: string;
  /** The hit word, split around the matched morpheme (or a translation word around its punctuation). */
  before: string;
  match: string;
  after: string;
  right: string;
  /** The hit word's morpheme glosses, joined Leipzig-style; empty for a translation hit. */
  gloss: string;
}

type Source = Pick<ConcordanceResult, "words" | "translations">;

const EDGE_PUNCTUATION = /^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/u;

/**
 * A translation hit: the `occurrence`-th (0-based) word of the translation in `lang` that equals
 * the hit's value, ignoring case and the punctuation around it.
 */
function translationLine(hit: Hit, source: Source, lang: string, occurrence: number, contextWords: number): KwicLine {
  const tokens = (source.translations?.[lang] ?? "").split(/\s+/).filter(Boolean);
  const wanted = hit.value.toLocaleLowerCase();
  let seen = 0;
  for (const [i, token] of tokens.entries()) {
    const [, lead = "", core = "", trail = ""] = EDGE_PUNCTUATION.exec(token) ?? [];
    if (core.toLocaleLowerCase() !== wanted || seen++ < occurrence) continue;
    return {
      left: tokens.slice(Math.max(0, i - contextWords), i).join(" "),
      before: lead,
      match: core,
      after: trail,
      right: tokens.slice(i + 1, i + 1 + contextWords).join(" "),
      gloss: "",
    };
  }
  return { left: "", before: "", match: hit.value, after: "", right: "", gloss: "" };
}

/** One hit of a result in context; `occurrence` tells repeated translation words apart. */
export function kwic(hit: Hit, source: Source, lang = "en", occurrence = 0, contextWords = 6): KwicLine {
  if (hit.word < 0) return translationLine(hit, source, lang, occurrence, contextWords);
  const words = source.words ?? [];
  const word = words[hit.word];
  if (!word) {
    return { left: "", before: "", match: hit.value, after: "", right: "", gloss: "" };
  }
  const left = words.slice(Math.max(0, hit.word - contextWords), hit.word).map((w) => w.form).join(" ");
  const right = words.slice(hit.word + 1, hit.word + 1 + contextWords).map((w) => w.form).join(" ");
  const morphs = word.morphemes ?? [];
  const gloss = morphs.length
    ? morphs.map((m) => (m.sep ?? "") + (m.gloss || "?")).join("")
    : (word.gloss ?? "");
  const m = hit.morpheme === null ? undefined : morphs[hit.morpheme];
  if (hit.morpheme === null || !m) {
    return { left, before: "", match: word.form, after: "", right, gloss };
  }
  const seg = (ms: typeof morphs) => ms.map((m) => (m.sep ?? "") + m.form).join("");
  return {
    left,
    before: seg(morphs.slice(0, hit.morpheme)) + (m.sep ?? ""),
    match: m.form,
    after: seg(morphs.slice(hit.morpheme + 1)),
    right,
    gloss,
  };
}

/** The KWIC lines of one result, one per hit, in the result's order. */
export function kwicLines(result: ConcordanceResult, lang = "en", contextWords = 6): KwicLine[] {
  const seen = new Map<string, number>();
  return result.hits.map((hit) => {
    if (hit.word >= 0) return kwic(hit, result, lang, 0, contextWords);
    const key = hit.value.toLocaleLowerCase();
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return kwic(hit, result, lang, occurrence, contextWords);
  });
}
