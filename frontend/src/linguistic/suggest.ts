/** Gloss suggestions from the lexicon: entries whose forms match a morpheme's form. */
import { headword, senseGloss, type Entry } from "./api";

export interface Suggestion {
  entryId: string;
  senseId: string | null;
  headword: string;
  gloss: string;
  pos: string;
}

/** A form without its boundary marks and case: `-ta`, `ta-` and `Ta` all become `ta`. */
export function normalizeForm(form: string): string {
  return form.normalize("NFC").replace(/^[-=]+|[-=]+$/g, "").toLowerCase();
}

export type LexiconIndex = Map<string, Suggestion[]>;

/** One suggestion per sense (or per entry without senses), under each of the entry's forms. */
export function buildLexiconIndex(entries: Entry[], lang = "en"): LexiconIndex {
  const index: LexiconIndex = new Map();
  for (const entry of entries) {
    const senses = entry.senses && entry.senses.length > 0 ? entry.senses : [null];
    const items: Suggestion[] = senses.map((sense) => ({
      entryId: entry.id,
      senseId: sense?.id ?? null,
      headword: headword(entry),
      gloss: sense ? senseGloss(sense, lang) : "",
      pos: (sense?.pos as string | undefined) || entry.pos || "",
    }));
    for (const form of new Set(Object.values(entry.forms ?? {}).map(normalizeForm))) {
      if (!form) continue;
      index.set(form, [...(index.get(form) ?? []), ...items]);
    }
  }
  return index;
}

/** Suggestions for a morpheme form, narrowed to glosses starting with what is typed. */
export function suggestionsFor(index: LexiconIndex, form: string, typed: string): Suggestion[] {
  const all = index.get(normalizeForm(form)) ?? [];
  const prefix = typed.trim().toLowerCase();
  const narrowed = prefix ? all.filter((s) => s.gloss.toLowerCase().startsWith(prefix)) : all;
  // Once the gloss is exactly a suggestion, nothing is left to suggest.
  return narrowed.filter((s) => s.gloss && s.gloss !== typed);
}
