/**
 * Machine suggestions in the editor: one hint per gloss slot, and one segmentation per
 * unsegmented word, from pre-annotation or asked live.
 */
import type { Morpheme } from "../linguistic/api";
import type { SegmentationPrediction, StoredSuggestions, SuggestResponse } from "./api";

export interface MachineHint {
  label: string;
  p: number;
  /** The model version's id (for feedback) and number (shown). */
  version: number;
  versionNumber: number;
  status: "pending" | "accepted" | "rejected";
  /** A segmentation (`x-tok`): the glosses proposed with its morphs. */
  glosses?: string[];
}

export type Hints = Record<string, MachineHint>;

export function slotKey(utterance: string, word: number, morpheme: number | null): string {
  return `${utterance}:${word}:${morpheme ?? "-"}`;
}

/** Hints from pre-annotation (`ml_suggestions`) of one field ("gloss", or "morphemes" for a
 *  segmentation), keyed by slot. */
export function storedHints(stored: StoredSuggestions[], field = "gloss"): Hints {
  const hints: Hints = {};
  for (const doc of stored) {
    for (const item of doc.items) {
      if (item.field !== field) continue;
      const glosses = item.labels.find((l) => l.label === item.label)?.glosses;
      hints[slotKey(doc.utterance, item.word, item.morpheme)] = {
        label: item.label,
        p: item.p,
        version: doc.version,
        versionNumber: doc.version_number,
        status: item.status,
        ...(glosses ? { glosses } : {}),
      };
    }
  }
  return hints;
}

/** `x-tok`: a segmentation's morph forms with their boundaries, as people type one (and as the
 *  server labels it: `mlworkers/suggestions.py: joined`). */
export function joinedCut(segmentation: Pick<SegmentationPrediction, "morphemes" | "boundaries">): string {
  return segmentation.morphemes.map((form, i) => (i ? (segmentation.boundaries[i] || "-") + form : form)).join("");
}

/** The morphemes of a cut such as `x-tok=ab`, each after the first with its boundary, and the
 *  glosses proposed with it where they match the cut one to one. */
export function cutMorphemes(cut: string, glosses: string[] = []): Morpheme[] {
  const pieces = cut.split(/([-=])/);
  const morphs: Morpheme[] = [{ form: pieces[0] ?? "" }];
  for (let i = 1; i + 1 < pieces.length; i += 2) {
    morphs.push({ form: pieces[i + 1] ?? "", sep: pieces[i] as "-" | "=" });
  }
  const kept = morphs.filter((m) => m.form !== "");
  if (glosses.length === kept.length) kept.forEach((m, i) => (m.gloss = glosses[i] ?? ""));
  return kept;
}

/**
 * Hints from a live segment-task answer for one utterance: the most probable cut of each word
 * the editor shows unsegmented (analyses that cut alike add up, as in pre-annotation), with the
 * glosses of the likeliest analysis of that cut.
 */
export function segmentHints(utterance: string, answer: SuggestResponse, segmented: (word: number) => boolean): Hints {
  const hints: Hints = {};
  for (const word of answer.prediction.words) {
    if (segmented(word.index)) continue;
    const cuts = new Map<string, { p: number; glosses: string[] }>();
    for (const seg of word.segmentations ?? []) {
      const label = joinedCut(seg);
      const known = cuts.get(label);
      if (known) known.p = Math.min(1, known.p + seg.p); // a hair above 1 in floating point
      else cuts.set(label, { p: seg.p, glosses: seg.glosses });
    }
    const best = [...cuts.entries()].sort((a, b) => b[1].p - a[1].p)[0];
    if (!best) continue;
    hints[slotKey(utterance, word.index, null)] = {
      label: best[0],
      p: best[1].p,
      version: answer.version.id,
      versionNumber: answer.version.number,
      status: "pending",
      glosses: best[1].glosses,
    };
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
