/**
 * The Leipzig Glossing Rules in the browser: the standard abbreviations (the same list as
 * `annotations/linguistic/leipzig.py`) and a gloss tokenizer that flags unknown grams.
 *
 * A gloss such as `1SG.ERG-see-PST=Q` splits into morphs on `-` and `=`, and each morph into
 * elements on `.` and `:`. Uppercase elements are grams; person-number clusters (`3SG`, `1PL`)
 * and the `N` (non-) prefix (`NPST`) are understood. `_` joins a multi-word lexical gloss.
 */

export type Abbreviations = Readonly<Record<string, string>>;

/** Built in, so hints work offline; the editor prefers the server's `glossing/leipzig/` list. */
export const LEIPZIG_ABBREVIATIONS: Abbreviations = {
  "1": "first person",
  "2": "second person",
  "3": "third person",
  A: "agent-like argument of canonical transitive verb",
  ABL: "ablative",
  ABS: "absolutive",
  ACC: "accusative",
  ADJ: "adjective",
  ADV: "adverb(ial)",
  AGR: "agreement",
  ALL: "allative",
  ANTIP: "antipassive",
  APPL: "applicative",
  ART: "article",
  AUX: "auxiliary",
  BEN: "benefactive",
  CAUS: "causative",
  CLF: "classifier",
  COM: "comitative",
  COMP: "complementizer",
  COMPL: "completive",
  COND: "conditional",
  COP: "copula",
  CVB: "converb",
  DAT: "dative",
  DECL: "declarative",
  DEF: "definite",
  DEM: "demonstrative",
  DET: "determiner",
  DIST: "distal",
  DISTR: "distributive",
  DU: "dual",
  DUR: "durative",
  ERG: "ergative",
  EXCL: "exclusive",
  F: "feminine",
  FOC: "focus",
  FUT: "future",
  GEN: "genitive",
  IMP: "imperative",
  INCL: "inclusive",
  IND: "indicative",
  INDF: "indefinite",
  INF: "infinitive",
  INS: "instrumental",
  INTR: "intransitive",
  IPFV: "imperfective",
  IRR: "irrealis",
  LOC: "locative",
  M: "masculine",
  N: "neuter",
  NEG: "negation, negative",
  NMLZ: "nominalizer/nominalization",
  NOM: "nominative",
  OBJ: "object",
  OBL: "oblique",
  P: "patient-like argument of canonical transitive verb",
  PASS: "passive",
  PFV: "perfective",
  PL: "plural",
  POSS: "possessive",
  PRED: "predicative",
  PRF: "perfect",
  PRS: "present",
  PROG: "progressive",
  PROH: "prohibitive",
  PROX: "proximal/proximate",
  PST: "past",
  PTCP: "participle",
  PURP: "purposive",
  Q: "question particle/marker",
  QUOT: "quotative",
  RECP: "reciprocal",
  REFL: "reflexive",
  REL: "relative",
  RES: "resultative",
  S: "single argument of canonical intransitive verb",
  SBJ: "subject",
  SBJV: "subjunctive",
  SG: "singular",
  TOP: "topic",
  TR: "transitive",
  VOC: "vocative",
};

export interface GlossToken {
  /** The element's text, or a separator (`-`, `=`, `.`, `:`). */
  text: string;
  kind: "gram" | "lexical" | "separator";
  /** For grams: what it means, or null when neither Leipzig nor the project knows it. */
  meaning: string | null;
}

const PERSON_NUMBER = /^([123]+)(SG|DU|PL|PAUC)?(.*)$/;
const GRAM = /^[A-Z0-9]+$/;

/** What a gram means, or null if it is not standard (nor in the project's `allowed` list). */
export function gramMeaning(
  gram: string,
  allowed: ReadonlySet<string> = new Set(),
  abbreviations: Abbreviations = LEIPZIG_ABBREVIATIONS,
): string | null {
  const standard = abbreviations[gram];
  if (standard !== undefined && Object.hasOwn(abbreviations, gram)) return standard;
  if (allowed.has(gram)) return "project-defined";
  const pn = PERSON_NUMBER.exec(gram);
  if (pn && pn[1] && (pn[2] || !pn[3])) {
    const persons = [...pn[1]].map((p) => abbreviations[p] ?? LEIPZIG_ABBREVIATIONS[p]).join(" and ");
    const rest = (pn[2] ?? "") + (pn[3] ?? "");
    if (!rest) return persons;
    const tail = rest === "PAUC" ? "paucal" : gramMeaning(rest, allowed, abbreviations);
    return tail ? `${persons} ${tail}` : null;
  }
  if (gram.startsWith("N") && gram.length > 1) {
    const inner = gramMeaning(gram.slice(1), allowed, abbreviations);
    if (inner) return `non-${inner}`;
  }
  return null;
}

function isGram(element: string): boolean {
  return (GRAM.test(element) && !/^\d+$/.test(element)) || ["1", "2", "3"].includes(element);
}

/** Split a gloss into elements and separators, in order; joining every `text` gives it back. */
export function tokenizeGloss(
  gloss: string,
  allowed: ReadonlySet<string> = new Set(),
  abbreviations: Abbreviations = LEIPZIG_ABBREVIATIONS,
): GlossToken[] {
  const tokens: GlossToken[] = [];
  for (const part of gloss.split(/([-=.:])/)) {
    if (part === "") continue;
    if (/^[-=.:]$/.test(part)) tokens.push({ text: part, kind: "separator", meaning: null });
    else if (isGram(part)) tokens.push({ text: part, kind: "gram", meaning: gramMeaning(part, allowed, abbreviations) });
    else tokens.push({ text: part, kind: "lexical", meaning: null });
  }
  return tokens;
}

/** The grams of a gloss that are not standard Leipzig abbreviations. */
export function unknownGrams(
  gloss: string,
  allowed: ReadonlySet<string> = new Set(),
  abbreviations: Abbreviations = LEIPZIG_ABBREVIATIONS,
): string[] {
  return tokenizeGloss(gloss, allowed, abbreviations)
    .filter((t) => t.kind === "gram" && t.meaning === null)
    .map((t) => t.text);
}

/** The server's list (`[{gram, meaning}]`) as a lookup; the built-in list fills any gap. */
export function abbreviationsFrom(list: { gram: string; meaning: string }[] | null | undefined): Abbreviations {
  if (!list || list.length === 0) return LEIPZIG_ABBREVIATIONS;
  return { ...LEIPZIG_ABBREVIATIONS, ...Object.fromEntries(list.map((a) => [a.gram, a.meaning])) };
}
