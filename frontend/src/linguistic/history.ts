/**
 * An utterance's versions as lines a reader compares: the transcription, one line per word
 * (form, morphemes with glosses, POS) and each translation; `diffLines` marks what a change
 * removed and added.
 */
import type { Entry, Text, Utterance } from "./api";

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

/** A text's metadata as lines (its utterances have their own history). */
export function textLines(text: Text): string[] {
  return [
    `Title: ${text.title ?? ""}`,
    `Language: ${text.lang ?? ""}`,
    `Glottocode: ${text.glottocode ?? ""}`,
    `Genre: ${text.genre ?? ""}`,
    `Speakers: ${(text.speakers ?? []).join(", ")}`,
    `Source: ${text.source ?? ""}`,
  ];
}

/** A lexicon entry as lines: forms, type and POS, then each sense's glosses and definitions. */
export function entryLines(entry: Entry): string[] {
  const lines = Object.entries(entry.forms ?? {}).map(([lang, form]) => `Form (${lang}): ${form}`);
  if (entry.type) lines.push(`Type: ${entry.type}`);
  lines.push(`POS: ${entry.pos ?? ""}`);
  (entry.senses ?? []).forEach((sense, i) => {
    for (const [lang, gloss] of Object.entries(sense.gloss ?? {})) lines.push(`Sense ${i + 1} gloss (${lang}): ${gloss}`);
    for (const [lang, text] of Object.entries(sense.definition ?? {})) lines.push(`Sense ${i + 1} definition (${lang}): ${text}`);
    if (sense.pos) lines.push(`Sense ${i + 1} POS: ${sense.pos}`);
  });
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
