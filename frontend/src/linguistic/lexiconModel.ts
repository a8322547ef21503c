/** The lexicon editor's form model and search, kept pure for tests. */
import { headword, type Entry, type EntryBody, type Sense } from "./api";

export interface SenseForm {
  id: string;
  gloss: string;
  definition: string;
  /** Everything else of the sense, sent back untouched. */
  rest: Omit<Sense, "id" | "gloss" | "definition">;
}

export interface EntryForm {
  headword: string;
  morphType: string;
  pos: string;
  senses: SenseForm[];
}

export const META_LANG = "en";

export function newSenseId(): string {
  return `s-${Math.random().toString(36).slice(2, 10)}`;
}

export function toForm(entry: Entry | null): EntryForm {
  if (!entry) return { headword: "", morphType: "", pos: "", senses: [{ id: newSenseId(), gloss: "", definition: "", rest: {} }] };
  return {
    headword: headword(entry),
    morphType: entry.type ?? "",
    pos: entry.pos ?? "",
    senses: (entry.senses ?? []).map(({ id, gloss, definition, ...rest }) => ({
      id,
      gloss: gloss?.[META_LANG] ?? Object.values(gloss ?? {})[0] ?? "",
      definition: definition?.[META_LANG] ?? Object.values(definition ?? {})[0] ?? "",
      rest,
    })),
  };
}

/** The PUT/POST body: the form's fields over the entry's other data (variants, notes…). */
export function fromForm(form: EntryForm, entry: Entry | null, objectLang = "und"): EntryBody {
  const forms = { ...(entry?.forms ?? {}) };
  const firstKey = Object.keys(forms)[0] ?? objectLang;
  forms[firstKey] = form.headword.trim();
  const previous = new Map((entry?.senses ?? []).map((s) => [s.id, s]));
  const senses: Sense[] = form.senses
    .filter((s) => s.gloss.trim() || s.definition.trim())
    .map((s) => {
      const old = previous.get(s.id);
      const gloss = { ...(old?.gloss ?? {}) };
      const definition = { ...(old?.definition ?? {}) };
      if (s.gloss.trim()) gloss[META_LANG] = s.gloss.trim();
      else delete gloss[META_LANG];
      if (s.definition.trim()) definition[META_LANG] = s.definition.trim();
      else delete definition[META_LANG];
      return { ...s.rest, id: s.id, gloss, definition };
    });
  const { id, version, created_at, created_by, updated_at, updated_by, ...rest } = entry ?? ({} as Partial<Entry>);
  void [id, version, created_at, created_by, updated_at, updated_by];
  return { ...rest, forms, type: form.morphType || null, pos: form.pos, senses } as EntryBody;
}

/** Entries whose headword, any form or any gloss contains the query (case-insensitive). */
export function searchEntries(entries: Entry[], query: string): Entry[] {
  const q = query.trim().toLowerCase();
  if (!q) return entries;
  return entries.filter((e) => {
    const haystack = [
      ...Object.values(e.forms ?? {}),
      ...(e.senses ?? []).flatMap((s) => [...Object.values(s.gloss ?? {}), ...Object.values(s.definition ?? {})]),
    ];
    return haystack.some((v) => v.toLowerCase().includes(q));
  });
}

/** Headword order, forms compared case-insensitively without boundary marks. */
export function sortEntries(entries: Entry[]): Entry[] {
  const key = (e: Entry) => headword(e).replace(/^[-=]+/, "").toLowerCase();
  return [...entries].sort((a, b) => key(a).localeCompare(key(b)));
}
