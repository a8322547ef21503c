/**
 * An utterance's versions as lines a reader compares: the transcription, one line per word
 * (form, morphemes with glosses, POS) and each translation; `diffLines` marks what a change
 * removed and added.
 */
import type { Utterance } from "./api";

export function utteranceLines(utterance: Utterance): string[] {
  const lines = [`Transcription: ${utterance.transcription ?? ""}`];
  (utterance.words ?? []).forEach((word, w) => {
    const morphs = (word.morphemes ?? []).map((m) => `${m.sep ?? ""}${m.form}${m.gloss ? ` ‘${m.gloss}’` : ""}${m.pos ? ` [${m.pos}]` : ""}`);
    const wordGloss = word.gloss ? ` ‘${word.gloss}’` : "";
    const pos = word.pos ? ` [${word.pos}]` : "";
    lines.push(`Word ${w + 1}: ${word.form}${wordGloss}${pos}${morphs.length ? ` = ${morphs.join(" ")}` : ""}`);
  });
  for (const [lang, value] of Object.entries(utterance.translations ?? {})) lines.push(`Translation (${lang}): ${value}`);
  return lines;
}

export interface DiffLine {
  kind: "same" | "removed" | "added";
  text: string;
}

/** A line diff of `before` and `after` (longest common subsequence; utterances are short). */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const common: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      const row = common[i]!;
      row[j] = before[i] === after[j] ? (common[i + 1]![j + 1] ?? 0) + 1 : Math.max(common[i + 1]![j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ kind: "same", text: before[i]! });
      i += 1;
      j += 1;
    } else if ((common[i + 1]![j] ?? 0) >= (common[i]![j + 1] ?? 0)) {
      out.push({ kind: "removed", text: before[i]! });
      i += 1;
    } else {
      out.push({ kind: "added", text: after[j]! });
      j += 1;
    }
  }
  while (i < n) out.push({ kind: "removed", text: before[i++]! });
  while (j < m) out.push({ kind: "added", text: after[j++]! });
  return out;
}
