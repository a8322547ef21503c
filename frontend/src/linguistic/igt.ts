/**
 * Pure helpers of the interlinear editor: column widths that keep the tiers aligned, the focus
 * model (which cell Tab / Shift-Tab goes to) and immutable edits of an utterance.
 */
import type { Morpheme, Utterance, Word } from "./api";

// ---------------------------------------------------------------------------------------------
// Alignment
// ---------------------------------------------------------------------------------------------

/** Narrowest a cell may be (in `ch`), so an empty gloss still offers room to type. */
export const MIN_CELL_CH = 4;
/** Extra room in a cell for the input's padding and the caret. */
export const CELL_PAD_CH = 1;

/** Display length of a string in characters (code points; combining marks count nothing). */
export function displayLength(text: string | null | undefined): number {
  if (!text) return 0;
  return [...text.normalize("NFC")].filter((ch) => !/\p{M}/u.test(ch)).length;
}

export interface WordColumns {
  /** Width of each morpheme column, in `ch`. */
  morphemes: number[];
  /** Width of the whole word column, in `ch`: at least the word form, at least its morphemes. */
  word: number;
}

/** The morphemes of a word, or the word itself as one pseudo-morpheme when unsegmented. */
export function morphsOf(word: Word): Morpheme[] {
  return word.morphemes && word.morphemes.length > 0
    ? word.morphemes
    : [{ form: word.form, gloss: word.gloss ?? "", pos: word.pos ?? "" }];
}

/**
 * Column widths of one word. Each morpheme column is as wide as its longest tier (form with its
 * boundary, gloss, POS); the word column is as wide as the word form or the morphemes side by
 * side, whichever is wider, and extra room goes to the last morpheme so columns stay flush.
 */
export function wordColumns(word: Word): WordColumns {
  const morphs = morphsOf(word);
  const widths = morphs.map(
    (m) =>
      Math.max(
        MIN_CELL_CH,
        displayLength((m.sep ?? "") + m.form),
        displayLength(m.gloss),
        displayLength(m.pos),
      ) + CELL_PAD_CH,
  );
  const total = widths.reduce((a, b) => a + b, 0);
  const wordWidth = Math.max(total, displayLength(word.form) + CELL_PAD_CH);
  const lastIndex = widths.length - 1;
  if (wordWidth > total && lastIndex >= 0) widths[lastIndex] = (widths[lastIndex] ?? 0) + wordWidth - total;
  return { morphemes: widths, word: wordWidth };
}

export function utteranceColumns(utterance: Pick<Utterance, "words">): WordColumns[] {
  return (utterance.words ?? []).map(wordColumns);
}

// ---------------------------------------------------------------------------------------------
// Focus model
// ---------------------------------------------------------------------------------------------

/** A focusable cell: a morpheme's gloss (`morpheme` is null for an unsegmented word) or a translation. */
export type CellRef =
  | { utterance: string; kind: "gloss"; word: number; morpheme: number | null }
  | { utterance: string; kind: "translation" };

export function cellKey(cell: CellRef): string {
  if (cell.kind === "translation") return `${cell.utterance}:tr`;
  return `${cell.utterance}:w${cell.word}:m${cell.morpheme ?? "-"}`;
}

/**
 * `data-cell` key of a morpheme's form or gloss box (out of the Tab order except the gloss), so
 * a split or merge can put the caret there.
 */
export function morphKey(utterance: string, word: number, morpheme: number | null, field: "form" | "gloss"): string {
  const gloss = cellKey({ utterance, kind: "gloss", word, morpheme });
  return field === "gloss" ? gloss : `${gloss}:form`;
}

/** `data-cell` key of a word's surface form box. */
export function wordKey(utterance: string, word: number): string {
  return `${utterance}:w${word}:word`;
}

/** The cells of one utterance in Tab order: every gloss, word by word, then its translation. */
export function utteranceCells(utterance: Pick<Utterance, "id" | "words">): CellRef[] {
  const cells: CellRef[] = [];
  (utterance.words ?? []).forEach((word, w) => {
    if (word.morphemes && word.morphemes.length > 0) {
      word.morphemes.forEach((_, m) =>
        cells.push({ utterance: utterance.id, kind: "gloss", word: w, morpheme: m }),
      );
    } else {
      cells.push({ utterance: utterance.id, kind: "gloss", word: w, morpheme: null });
    }
  });
  cells.push({ utterance: utterance.id, kind: "translation" });
  return cells;
}

/** All cells of a text, utterance after utterance. */
export function tabOrder(utterances: Pick<Utterance, "id" | "words">[]): CellRef[] {
  return utterances.flatMap(utteranceCells);
}

/**
 * The cell Tab (`+1`) or Shift-Tab (`-1`) moves to from `current`, or null at either end of the
 * text (focus then leaves the editor the browser's way). From an unknown cell, Tab enters at the
 * first cell and Shift-Tab at the last.
 */
export function nextCell(order: CellRef[], current: string | null, step: 1 | -1): CellRef | null {
  if (order.length === 0) return null;
  const index = current === null ? -1 : order.findIndex((c) => cellKey(c) === current);
  if (index === -1) return (step === 1 ? order[0] : order[order.length - 1]) ?? null;
  return order[index + step] ?? null;
}

/**
 * Tab / Shift-Tab from any box of the editor. From a gloss or translation, as `nextCell`; from a
 * morpheme's form, Tab goes to its gloss; from a word's form, to the word's first gloss; Shift-Tab
 * from either goes to the gloss before that one.
 */
export function tabFrom(order: CellRef[], current: string, step: 1 | -1): CellRef | null {
  let anchor: CellRef | undefined;
  if (current.endsWith(":form")) {
    const gloss = current.slice(0, -":form".length);
    anchor = order.find((c) => cellKey(c) === gloss);
  } else if (current.endsWith(":word")) {
    const prefix = `${current.slice(0, -":word".length)}:m`;
    anchor = order.find((c) => cellKey(c).startsWith(prefix));
  }
  if (!anchor) return nextCell(order, current, step);
  return step === 1 ? anchor : nextCell(order, cellKey(anchor), -1);
}

// ---------------------------------------------------------------------------------------------
// Edits (immutable)
// ---------------------------------------------------------------------------------------------

export type MorphField = "gloss" | "pos" | "lemma";

/** Set one field of a morpheme (or, for `morpheme` null, of an unsegmented word). */
export function setMorphField<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  morpheme: number | null,
  field: MorphField,
  value: string,
): U {
  const words = (utterance.words ?? []).map((w, wi) => {
    if (wi !== word) return w;
    if (morpheme === null) return field === "lemma" ? w : { ...w, [field]: value };
    return {
      ...w,
      morphemes: (w.morphemes ?? []).map((m, mi) => (mi === morpheme ? { ...m, [field]: value } : m)),
    };
  });
  return { ...utterance, words };
}

export function setTranslation<U extends Pick<Utterance, "translations">>(
  utterance: U,
  lang: string,
  value: string,
): U {
  return { ...utterance, translations: { ...(utterance.translations ?? {}), [lang]: value } };
}

/** The translation language the editor shows: English if present, else the first one, else en. */
export function translationLang(utterance: Pick<Utterance, "translations">): string {
  const langs = Object.keys(utterance.translations ?? {});
  return langs.includes("en") ? "en" : (langs[0] ?? "en");
}

type Editable = Pick<Utterance, "words" | "translations" | "transcription">;
// Edits replace an utterance object, never change it: its content is worked out once per object
// (a keystroke's dirty checks compare the new draft only).
const contentOf = new WeakMap<Editable, string>();

/** Comparable content of an utterance (what the editor changes), for dirty checks. */
export function editableContent(utterance: Editable): string {
  let content = contentOf.get(utterance);
  if (content === undefined) {
    content = JSON.stringify(
      normalizeForCompare({
        transcription: utterance.transcription ?? "",
        translations: utterance.translations ?? {},
        words: utterance.words ?? [],
      }),
    );
    contentOf.set(utterance, content);
  }
  return content;
}

/** Drop empty strings / nulls and sort keys, as the server's `to_doc` leaves empties out. */
export function normalizeForCompare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeForCompare);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === "" || v === null || v === undefined) continue;
      if (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
      out[key] = normalizeForCompare(v);
    }
    return out;
  }
  return value;
}

export function isDirty(base: Editable, draft: Editable): boolean {
  // A row fresh from the server shares one object for both: no need to compare the content.
  if (base === draft) return false;
  return editableContent(base) !== editableContent(draft);
}

/** Set the transcription line. */
export function setTranscription<U extends Pick<Utterance, "transcription">>(utterance: U, value: string): U {
  return { ...utterance, transcription: value };
}

export type WordField = "form" | "pos";

/** Set a word's surface form or its (word-level) POS. */
export function setWordField<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  field: WordField,
  value: string,
): U {
  const words = (utterance.words ?? []).map((w, wi) => (wi === word ? { ...w, [field]: value } : w));
  return { ...utterance, words };
}

/**
 * Set a morpheme's form; for `morpheme` null (an unsegmented word, whose only "morpheme" is the
 * word itself) the word's surface form.
 */
export function setMorphForm<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  morpheme: number | null,
  value: string,
): U {
  if (morpheme === null) return setWordField(utterance, word, "form", value);
  const words = (utterance.words ?? []).map((w, wi) =>
    wi !== word
      ? w
      : { ...w, morphemes: (w.morphemes ?? []).map((m, mi) => (mi === morpheme ? { ...m, form: value } : m)) },
  );
  return { ...utterance, words };
}

/** Insert an empty word at index `at` (0 = first; the word count appends). */
export function insertWord<U extends Pick<Utterance, "words">>(utterance: U, at: number): U {
  const words = [...(utterance.words ?? [])];
  words.splice(Math.max(0, Math.min(at, words.length)), 0, { form: "" });
  return { ...utterance, words };
}

export function deleteWord<U extends Pick<Utterance, "words">>(utterance: U, word: number): U {
  return { ...utterance, words: (utterance.words ?? []).filter((_, wi) => wi !== word) };
}

/** Which text box of a morpheme column the caret is in, for splitting and merging. */
export type SplitField = "form" | "gloss";

/** Where the caret goes after a split or a merge. */
export interface MorphCaret {
  word: number;
  morpheme: number;
  field: SplitField;
  caret: number;
}

export interface MorphEdit<U> {
  utterance: U;
  focus: MorphCaret;
}

const BOUNDARIES = new Set(["-", "="]);

/** Cut `text` at `caret`; a boundary right at the caret ("dog|-s") is taken out as the separator. */
function cutAt(text: string, caret: number): { head: string; tail: string; sep: "-" | "=" | null } {
  const at = Math.max(0, Math.min(caret, text.length));
  const head = text.slice(0, at);
  const tail = text.slice(at);
  const first = tail.charAt(0);
  if (BOUNDARIES.has(first)) return { head, tail: tail.slice(1), sep: first as "-" | "=" };
  const last = head.charAt(head.length - 1);
  if (BOUNDARIES.has(last)) return { head: head.slice(0, -1), tail, sep: last as "-" | "=" };
  return { head, tail, sep: null };
}

/**
 * Enter in a morpheme's form or gloss: cut the morpheme at the caret into two. The text before
 * the caret stays, the text after it becomes a new morpheme right after it, with the separator
 * "-" (or the boundary typed at the caret, "-" or "="). Cutting the form leaves the whole gloss
 * on the first part and none on the new one; cutting the gloss leaves the whole form on the
 * first part and an empty form on the new one. The new morpheme has no POS and no lexicon link,
 * and the first loses its link when its form changed. An unsegmented word (`morpheme` null) is
 * segmented by the cut: its gloss goes to the morphemes, its POS stays on the word. The caret
 * lands at the start of the same field of the new morpheme.
 */
export function splitMorpheme<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  morpheme: number | null,
  field: SplitField,
  caret: number,
): MorphEdit<U> | null {
  const target = utterance.words?.[word];
  if (!target) return null;
  const segmented = !!target.morphemes && target.morphemes.length > 0;
  const index = segmented ? (morpheme ?? 0) : 0;
  const morphs: Morpheme[] = segmented ? [...(target.morphemes ?? [])] : [{ form: target.form, gloss: target.gloss ?? "" }];
  const old = morphs[index];
  if (!old) return null;
  const cut = cutAt(field === "form" ? old.form : (old.gloss ?? ""), caret);
  const sep = cut.sep ?? "-";
  let first: Morpheme;
  let second: Morpheme;
  if (field === "form") {
    first = { ...old, form: cut.head };
    second = { form: cut.tail, sep, gloss: "" };
  } else {
    first = { ...old, gloss: cut.head };
    second = { form: "", sep, gloss: cut.tail };
  }
  if (first.form !== old.form) {
    delete first.lemma;
    delete first.sense;
  }
  morphs.splice(index, 1, first, second);
  const { gloss: _wordGloss, ...rest } = target;
  void _wordGloss;
  const next: Word = segmented ? { ...target, morphemes: morphs } : { ...rest, morphemes: morphs };
  const words = (utterance.words ?? []).map((w, wi) => (wi === word ? next : w));
  return { utterance: { ...utterance, words }, focus: { word, morpheme: index + 1, field, caret: 0 } };
}

/**
 * Cut an unsegmented word into `morphs` (an accepted machine segmentation): the word keeps its
 * form and POS, its whole-word gloss gives way to the morphs' own. The caret lands in the first
 * morph's gloss. Null when the word is already segmented or the cut is empty.
 */
export function segmentWord<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  morphs: Morpheme[],
): MorphEdit<U> | null {
  const target = utterance.words?.[word];
  if (!target || (target.morphemes?.length ?? 0) > 0 || morphs.length === 0) return null;
  const { gloss: _wordGloss, ...rest } = target;
  void _wordGloss;
  const next: Word = { ...rest, morphemes: morphs.map((m) => ({ ...m })) };
  const words = (utterance.words ?? []).map((w, wi) => (wi === word ? next : w));
  return { utterance: { ...utterance, words }, focus: { word, morpheme: 0, field: "gloss", caret: 0 } };
}

/**
 * Backspace at the start of an empty form or gloss: merge the morpheme back into the one before
 * it. The forms are joined as they are; the glosses are joined with the merged morpheme's
 * separator when both have one. The caret lands in the same field of the previous morpheme, where
 * the two were joined. Null for a first morpheme or an unsegmented word (nothing to merge into).
 */
export function mergeMorpheme<U extends Pick<Utterance, "words">>(
  utterance: U,
  word: number,
  morpheme: number | null,
  field: SplitField,
): MorphEdit<U> | null {
  const target = utterance.words?.[word];
  const morphs = target?.morphemes ?? [];
  if (!target || morpheme === null || morpheme < 1) return null;
  const previous = morphs[morpheme - 1];
  const current = morphs[morpheme];
  if (!previous || !current) return null;
  const prevGloss = previous.gloss ?? "";
  const curGloss = current.gloss ?? "";
  const gloss = prevGloss && curGloss ? `${prevGloss}${current.sep || "-"}${curGloss}` : prevGloss || curGloss;
  const merged: Morpheme = { ...previous, form: previous.form + current.form, gloss };
  if (merged.form !== previous.form) {
    delete merged.lemma;
    delete merged.sense;
  }
  const next = [...morphs];
  next.splice(morpheme - 1, 2, merged);
  const words = (utterance.words ?? []).map((w, wi) => (wi === word ? { ...w, morphemes: next } : w));
  const caret = field === "form" ? previous.form.length : prevGloss.length;
  return { utterance: { ...utterance, words }, focus: { word, morpheme: morpheme - 1, field, caret } };
}
