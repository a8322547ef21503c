/**
 * A first guess of an ELAN tier mapping from the tier summary: the user checks and changes it in
 * the import dialog. Names and linguistic types are matched loosely, as ELAN users name them.
 */
import type { EafMapping, EafTier } from "./api";

export type EafRole = "words" | "morphemes" | "gloss" | "pos" | "notes";

const HINTS: Record<EafRole | "utterance" | "translation", RegExp> = {
  utterance: /utter|text|transcri|sentence|orth/i,
  words: /word|token/i,
  morphemes: /morph|segment/i,
  gloss: /gloss|\bge\b/i,
  pos: /\bpos\b|part.of.speech|-pos$|_pos$|^pos/i,
  notes: /note|comment/i,
  translation: /transl|free|\bft\b/i,
};

function matches(tier: EafTier, hint: RegExp): boolean {
  return hint.test(tier.id) || hint.test(tier.linguistic_type);
}

/** The mapping a user most likely wants (every role but the utterance may stay unmapped). */
export function guessEafMapping(tiers: EafTier[]): EafMapping | null {
  const roots = tiers.filter((t) => !t.parent);
  const byCount = (a: EafTier, b: EafTier) => b.annotations - a.annotations;
  const utterance =
    roots.filter((t) => matches(t, HINTS.utterance)).sort(byCount)[0] ?? [...roots].sort(byCount)[0] ?? tiers[0];
  if (!utterance) return null;
  const under = (parent: string) => tiers.filter((t) => t.parent === parent);
  // Symbolic subdivisions first: their words need no time alignment of their own.
  const rank = (t: EafTier) => (t.constraint === "Symbolic_Subdivision" ? 0 : 1);
  const pick = (candidates: EafTier[], hint: RegExp) =>
    candidates.filter((t) => matches(t, hint)).sort((a, b) => rank(a) - rank(b))[0]?.id ?? null;
  const words = pick(under(utterance.id), HINTS.words);
  const below = words ? tiers.filter((t) => t.parent === words || under(words).some((c) => c.id === t.parent)) : [];
  const mapping: EafMapping = { utterance: utterance.id, words };
  if (words) {
    mapping.morphemes = pick(below, HINTS.morphemes);
    mapping.gloss = pick(below, HINTS.gloss);
    mapping.pos = pick(below, HINTS.pos);
  }
  const translation = tiers.find((t) => t.parent === utterance.id && matches(t, HINTS.translation));
  mapping.translations = translation ? { [translation.lang?.slice(0, 2) || "en"]: translation.id } : {};
  mapping.notes = pick(under(utterance.id), HINTS.notes);
  return mapping;
}

/** The mapping as the API takes it: unmapped roles left out. */
export function cleanEafMapping(mapping: EafMapping): EafMapping {
  const out: EafMapping = { utterance: mapping.utterance };
  for (const role of ["words", "morphemes", "gloss", "pos", "notes"] as const) {
    const tier = mapping[role];
    if (tier) out[role] = tier;
  }
  const translations = Object.fromEntries(Object.entries(mapping.translations ?? {}).filter(([lang, tier]) => lang && tier));
  if (Object.keys(translations).length > 0) out.translations = translations;
  return out;
}
