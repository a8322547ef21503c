/**
 * Label sets: the built-in one mirrors `annotations/affect/schema.py` (DEFAULT_SCHEMA, version 1);
 * a project's own comes from `GET /projects/{slug}/affect/schema/` (see `LabelSchema`).
 */

export interface ActionUnit {
  number: number;
  code: string;
  name: string;
}

const AU_NAMES: [number, string][] = [
  [1, "Inner Brow Raiser"],
  [2, "Outer Brow Raiser"],
  [4, "Brow Lowerer"],
  [5, "Upper Lid Raiser"],
  [6, "Cheek Raiser"],
  [7, "Lid Tightener"],
  [9, "Nose Wrinkler"],
  [10, "Upper Lip Raiser"],
  [12, "Lip Corner Puller"],
  [14, "Dimpler"],
  [15, "Lip Corner Depressor"],
  [17, "Chin Raiser"],
  [20, "Lip Stretcher"],
  [23, "Lip Tightener"],
  [24, "Lip Pressor"],
  [25, "Lips Part"],
  [26, "Jaw Drop"],
  [28, "Lip Suck"],
  [43, "Eyes Closed"],
];

export const ACTION_UNITS: readonly ActionUnit[] = AU_NAMES.map(([number, name]) => ({
  number,
  code: `AU${number}`,
  name,
}));

const BY_CODE = new Map(ACTION_UNITS.map((au) => [au.code, au]));

export function auByNumber(
  number: number,
  aus: readonly ActionUnit[] = ACTION_UNITS,
): ActionUnit | undefined {
  return aus.find((au) => au.number === number);
}

export function auName(code: string): string {
  return BY_CODE.get(code)?.name ?? code;
}

/** Whether some AU number starts with these digits ("1" → AU1, AU10, AU12…). */
export function isAuPrefix(digits: string, aus: readonly ActionUnit[] = ACTION_UNITS): boolean {
  return aus.some((au) => String(au.number).startsWith(digits));
}

/** "AU12" → 12; anything else → NaN. */
export function auNumber(code: string): number {
  const match = /^AU(\d+)$/i.exec(code.trim());
  return match ? Number(match[1]) : Number.NaN;
}

export const UNSCORABLE = -1;
export const ABSENT = 0;
export const INTENSITY_LETTERS = "ABCDE";

/** 3 → "C", -1 → "X", 0 → "0". */
export function intensityLetter(value: number): string {
  if (value === UNSCORABLE) return "X";
  if (value === ABSENT) return "0";
  return INTENSITY_LETTERS[value - 1] ?? "?";
}

/** "c" → 3, "x" → -1, "0" → 0, anything else → null. */
export function intensityFromLetter(letter: string): number | null {
  const upper = letter.toUpperCase();
  if (upper === "X") return UNSCORABLE;
  if (upper === "0") return ABSENT;
  const index = INTENSITY_LETTERS.indexOf(upper);
  return upper.length === 1 && index >= 0 ? index + 1 : null;
}

export const EMOTIONS = [
  "neutral",
  "anger",
  "disgust",
  "fear",
  "happiness",
  "sadness",
  "surprise",
] as const;

export const DIMENSIONS = ["valence", "arousal"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The project's label schema as `annotations/affect_api/serializers.py:SchemaSerializer` gives it. */
export interface SchemaDoc {
  version: number;
  action_units: { code: string; name: string }[];
  emotions: { preset: string; name: string; categories: string[] };
  dimensions: string[];
  dimension_range: number[];
  notes: boolean;
  updated_at: string | null;
  updated_by: string | null;
}

/** What the workspace codes against: the AUs and emotion categories, in the schema's order. */
export interface LabelSchema {
  version: number;
  actionUnits: readonly ActionUnit[];
  emotions: readonly string[];
  dimensions: readonly string[];
  notes: boolean;
}

export const DEFAULT_LABELS: LabelSchema = {
  version: 1,
  actionUnits: ACTION_UNITS,
  emotions: EMOTIONS,
  dimensions: DIMENSIONS,
  notes: true,
};

export function labelsFromDoc(doc: SchemaDoc): LabelSchema {
  return {
    version: doc.version,
    actionUnits: doc.action_units.map((au) => ({
      number: auNumber(au.code),
      code: au.code,
      name: au.name,
    })),
    emotions: doc.emotions.categories,
    dimensions: doc.dimensions,
    notes: doc.notes,
  };
}
