/** Machine suggestions in the editor: one hint per gloss slot, from pre-annotation or asked live. */
import type { StoredSuggestions, SuggestResponse } from "./api";

export interface MachineHint {
  label: string;
  p: number;
  /** The model version's id (for feedback) and number (shown). */
  version: number;
  versionNumber: number;
  status: "pending" | "accepted" | "rejected";
}

export type Hints = Record<string, MachineHint>;

export function slotKey(utterance: string, word: number, morpheme: number | null): string {
  return `${utterance}:${word}:${morpheme ?? "-"}`;
}

/** Hints from pre-annotation (`ml_suggestions`), keyed by slot. */
export function storedHints(stored: StoredSuggestions[]): Hints {
  const hints: Hints = {};
  for (const doc of stored) {
    for (const item of doc.items) {
      if (item.field !== "gloss") continue;
      hints[slotKey(doc.utterance, item.word, item.morpheme)] = {
        label: item.label,
        p: item.p,
        version: doc.version,
        versionNumber: doc.version_number,
        status: item.status,
      };
    }
  }
  return hints;
}

/**
 * Hints from a live `/suggestions/` answer for one utterance: the top label of each morpheme
 * (or of an unsegmented word). `segmented(word)` says whether the editor shows morphemes.
 */
export function liveHints(utterance: string, answer: SuggestResponse, segmented: (word: number) => boolean): Hints {
  const hints: Hints = {};
  for (const word of answer.prediction.words) {
    const slots = segmented(word.index)
      ? word.morphemes.map((m) => ({ morpheme: m.index as number | null, top: m.labels[0] }))
      : [{ morpheme: null, top: word.labels[0] ?? word.morphemes[0]?.labels[0] }];
    for (const { morpheme, top } of slots) {
      if (!top) continue;
      hints[slotKey(utterance, word.index, morpheme)] = {
        label: top.label,
        p: top.p,
        version: answer.version.id,
        versionNumber: answer.version.number,
        status: "pending",
      };
    }
  }
  return hints;
}

/** What the editor shows for a slot: ghost text while empty, a machine mark while it holds the
 *  accepted label, nothing otherwise (a person's own value, or a rejected hint). */
export function display(hint: MachineHint | undefined, value: string): "ghost" | "machine" | null {
  if (!hint) return null;
  if (value === "" && hint.status === "pending") return "ghost";
  if (value !== "" && hint.status === "accepted" && value === hint.label) return "machine";
  return null;
}
