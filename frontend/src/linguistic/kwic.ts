/** Key word in context: a concordance hit laid out as left context, keyword, right context. */
import type { Hit, Utterance } from "./api";

export interface KwicLine {
  left: string;
  /** The hit word, split around the matched morpheme. */
  before: string;
  match: string;
  after: string;
  right: string;
  /** The hit word's morpheme glosses, joined Leipzig-style. */
  gloss: string;
}

export function kwic(hit: Hit, utterance: Utterance | undefined, contextWords = 6): KwicLine {
  const words = utterance?.words ?? [];
  const word = hit.word >= 0 ? words[hit.word] : undefined;
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
