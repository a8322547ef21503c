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

/** Comparable content of an utterance (what the editor changes), for dirty checks. */
export function editableContent(utterance: Pick<Utterance, "words" | "translations" | "transcription">): string {
  return JSON.stringify(
    normalizeForCompare({
      transcription: utterance.transcription ?? "",
      translations: utterance.translations ?? {},
      words: utterance.words ?? [],
    }),
  );
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

export function isDirty(
  base: Pick<Utterance, "words" | "translations" | "transcription">,
  draft: Pick<Utterance, "words" | "translations" | "transcription">,
): boolean {
  return editableContent(base) !== editableContent(draft);
}
