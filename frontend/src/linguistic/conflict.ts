/**
 * Conflict logic of the IGT editor. When a save answers 409, three versions exist: `base` (what
 * the editor loaded), `mine` (the draft, never thrown away) and `theirs` (the server's current
 * document). The panel lists the cells that differ; "Keep mine" re-sends mine on top of theirs'
 * version, "Take theirs" replaces the draft, and "Merge" (offered when no cell clashes) applies
 * my changes to theirs.
 */
import type { Utterance } from "./api";
import { morphsOf } from "./igt";

export type Doc = Pick<Utterance, "words" | "translations" | "transcription">;

export interface CellDiff {
  /** Stable path, e.g. `words.0.morphemes.1.gloss`, `translations.en`, `transcription`. */
  path: string;
  /** Human label, e.g. `ni- gloss`, `translation (en)`. */
  label: string;
  base: string;
  mine: string;
  theirs: string;
  mineChanged: boolean;
  theirsChanged: boolean;
  /** Both sides changed the cell, to different values. */
  clash: boolean;
}

const MORPH_FIELDS = ["gloss", "pos", "lemma"] as const;

interface Cell {
  path: string;
  label: string;
  value: string;
}

/** Every editable cell of an utterance with its value, keyed by path. */
export function cellsOf(doc: Doc): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const put = (path: string, label: string, value: unknown) =>
    cells.set(path, { path, label, value: value == null ? "" : String(value) });
  put("transcription", "transcription", doc.transcription);
  for (const [lang, value] of Object.entries(doc.translations ?? {})) {
    put(`translations.${lang}`, `translation (${lang})`, value);
  }
  (doc.words ?? []).forEach((word, w) => {
    if (word.morphemes && word.morphemes.length > 0) {
      word.morphemes.forEach((m, i) => {
        for (const field of MORPH_FIELDS) {
          put(`words.${w}.morphemes.${i}.${field}`, `${m.sep ?? ""}${m.form} ${field}`, m[field]);
        }
      });
    } else {
      put(`words.${w}.gloss`, `${word.form} gloss`, word.gloss);
      put(`words.${w}.pos`, `${word.form} pos`, word.pos);
    }
  });
  return cells;
}

/** Word and morpheme forms: two versions with the same shape can be merged cell by cell. */
export function shapeOf(doc: Doc): string {
  return JSON.stringify(
    (doc.words ?? []).map((w) => [w.form, morphsOf(w).map((m) => `${m.sep ?? ""}${m.form}`)]),
  );
}

export function sameShape(a: Doc, b: Doc): boolean {
  return shapeOf(a) === shapeOf(b);
}

/** The cells where mine and theirs differ (only those), in document order. */
export function diffCells(base: Doc, mine: Doc, theirs: Doc): CellDiff[] {
  const b = cellsOf(base);
  const m = cellsOf(mine);
  const t = cellsOf(theirs);
  const paths = [...new Set([...m.keys(), ...t.keys()])];
  const diffs: CellDiff[] = [];
  for (const path of paths) {
    const baseValue = b.get(path)?.value ?? "";
    const mineValue = m.get(path)?.value ?? "";
    const theirsValue = t.get(path)?.value ?? "";
    if (mineValue === theirsValue) continue;
    const mineChanged = mineValue !== baseValue;
    const theirsChanged = theirsValue !== baseValue;
    diffs.push({
      path,
      label: (m.get(path) ?? t.get(path))!.label,
      base: baseValue,
      mine: mineValue,
      theirs: theirsValue,
      mineChanged,
      theirsChanged,
      clash: mineChanged && theirsChanged,
    });
  }
  return diffs;
}

function setPath<T extends Doc>(doc: T, path: string, value: string): T {
  const parts = path.split(".");
  const last = parts.pop() ?? "";
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  parts.forEach((key, i) => {
    if (node[key] == null) node[key] = /^\d+$/.test(parts[i + 1] ?? last) ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  node[last] = value;
  return copy as T;
}

export interface MergeResult<T> {
  merged: T;
  /** Cells both sides changed differently; in `merged` they hold mine. */
  clashes: CellDiff[];
}

/**
 * Apply my changes (mine vs base) to theirs, cell by cell. Returns null when the word or
 * morpheme segmentation differs between mine and theirs: then only a whole-version choice makes
 * sense.
 */
export function mergeUtterances<T extends Doc>(base: Doc, mine: Doc, theirs: T): MergeResult<T> | null {
  if (!sameShape(mine, theirs)) return null;
  let merged = theirs;
  const diffs = diffCells(base, mine, theirs);
  for (const diff of diffs) {
    if (diff.mineChanged) merged = setPath(merged, diff.path, diff.mine);
  }
  return { merged, clashes: diffs.filter((d) => d.clash) };
}

/** "Keep mine (overwrite)": my content, sent as an edit of their (current) version. */
export function keepMine<T extends Doc>(mine: T, theirs: { version: number }): { doc: T; version: number } {
  return { doc: mine, version: theirs.version };
}
