/**
 * Interlinear texts, utterances, the lexicon, imports and the concordance
 * (`annotations/linguistic_api`). JSON calls go through `request()` from `src/api.ts`; the two
 * calls it cannot express (a multipart upload, and a 409 whose body carries the current document)
 * reuse its pieces (`apiUrl`, CSRF, `parseErrorBody`, `ApiError`).
 */
import {
  ApiError,
  apiUrl,
  ensureCsrf,
  listAll,
  parseErrorBody,
  postForm,
  readCookie,
  request,
  type Job,
  type Page,
} from "../api";

const enc = encodeURIComponent;
/** Utterances in the first, early page of a text, and in each page after it. */
const FIRST_PAGE = 40;
const FULL_PAGE = 500;
const base = (slug: string) => `/projects/${enc(slug)}`;

// ---------------------------------------------------------------------------------------------
// Shapes (`Utterance.to_doc()` / `LexicalEntry.to_doc()` plus the store's fields)
// ---------------------------------------------------------------------------------------------

export interface Stored {
  id: string;
  version: number;
  created_at?: string;
  created_by?: string;
  updated_at?: string;
  updated_by?: string;
}

export interface Text extends Stored {
  title?: string;
  lang?: string | null;
  glottocode?: string | null;
  genre?: string;
  speakers?: string[];
  source?: string;
  source_id?: string;
  meta?: Record<string, unknown>;
  /** How many utterances the text has (in the texts list). */
  utterance_count?: number;
}

export interface TextInput {
  title?: string;
  lang?: string | null;
  genre?: string;
}

export interface Morpheme {
  form: string;
  gloss?: string;
  pos?: string;
  lemma?: string | null;
  sense?: string | null;
  type?: string | null;
  /** The boundary written before the morph: "" (first), "-" (affix) or "=" (clitic). */
  sep?: "" | "-" | "=";
  tiers?: Record<string, string>;
}

export interface Word {
  form: string;
  gloss?: string;
  pos?: string;
  morphemes?: Morpheme[];
  tiers?: Record<string, string>;
}

export interface Utterance extends Stored {
  text: string;
  order: number;
  transcription?: string;
  media?: { start?: number | null; end?: number | null; media?: string | null } | null;
  speaker?: string | null;
  translations?: Record<string, string>;
  notes?: string[];
  status?: string;
  paragraph?: number;
  words?: Word[];
  tiers?: Record<string, string>;
}

/** One past version in an utterance's history (the state it had before a change). */
export interface HistoryEntry {
  version: number;
  /** What was done to this version: "update" (saved over, reverted) or "delete". */
  op: string;
  by: string;
  at: string;
  /** Top-level fields the change touched. */
  changed: string[];
  merged_with?: string[];
}

/** The editable part of an utterance, as PUT takes it. */
export type UtteranceBody = Omit<Utterance, keyof Stored | "text">;

export interface Sense {
  id: string;
  gloss?: Record<string, string>;
  definition?: Record<string, string>;
  pos?: string;
  [key: string]: unknown;
}

export interface Entry extends Stored {
  forms: Record<string, string>;
  type?: string | null;
  pos?: string;
  senses?: Sense[];
  citation?: Record<string, string>;
  status?: string;
  [key: string]: unknown;
}

export type EntryBody = Omit<Entry, keyof Stored>;

export type ImportFormat = "toolbox" | "mdf" | "lift" | "flextext" | "csv" | "json" | "eaf";
export const IMPORT_FORMATS: readonly ImportFormat[] = ["toolbox", "mdf", "flextext", "eaf", "lift", "csv", "json"];

/** One tier of an ELAN file (`imports/eaf/tiers/`). */
export interface EafTier {
  id: string;
  linguistic_type: string;
  constraint: string | null;
  parent: string | null;
  participant: string | null;
  lang: string | null;
  annotations: number;
}

/** Which ELAN tier plays which role in an `eaf` import (unmapped tiers are left out). */
export interface EafMapping {
  utterance: string;
  words?: string | null;
  morphemes?: string | null;
  gloss?: string | null;
  pos?: string | null;
  translations?: Record<string, string>;
  notes?: string | null;
}

export interface EafPreview {
  utterances: Omit<Utterance, keyof Stored | "text">[];
  problems: { line: number | null; element: string | null; problem: string }[];
}

/** What a Toolbox/MDF import would make of a file's first records (`imports/toolbox/preview/`). */
export interface ToolboxPreview {
  kind: "toolbox" | "sigmorphon" | "mdf";
  markers: Record<string, unknown> | null;
  alignment: string | null;
  seen: Record<string, number>;
  utterances?: Utterance[];
  entries?: Record<string, unknown>[];
  problems: { line: number | null; problem: string; warning: boolean }[];
}
export type ExportFormat = "json" | "csv" | "toolbox" | "flextext" | "eaf" | "lift" | "mdf";
/** The formats a whole project exports in (`eaf` holds one text: see `exportUrl`'s `text`). */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["json", "csv", "toolbox", "flextext", "lift", "mdf"];

export type ConcordanceField = "form" | "gloss" | "lemma" | "pos" | "translation";
export type ConcordanceMode = "exact" | "prefix" | "regex";

/** One match inside a concordance result. */
export interface Hit {
  /** The word's index; -1 for a match in the free translation. */
  word: number;
  /** The morpheme's index; null for a word-level match (word POS, translation). */
  morpheme: number | null;
  value: string;
}

/** One matching utterance with every match in it (`concordance/`, paged by utterance). */
export interface ConcordanceResult {
  utterance: string;
  text: string;
  text_title: string;
  order: number;
  transcription: string;
  translations: Record<string, string>;
  words: Word[];
  hits: Hit[];
}

export interface ConcordancePage extends Page<ConcordanceResult> {
  /** Matching utterances (`count`) and matches in them (`hits`), both exact. */
  hits: number;
}

/** A gloss that uses grams neither Leipzig nor the project knows (`glossing/check/`). */
export interface GlossWarning {
  utterance: string;
  text: string;
  order: number;
  word: number;
  morpheme: number | null;
  gloss: string;
  unknown: string[];
}

export interface GlossLocation {
  text: string;
  utterance: string;
  word: number;
  morpheme: number;
}

/** A morpheme form glossed in several ways (`glossing/consistency/`). */
export interface InconsistentForm {
  form: string;
  /** Each gloss and how often it is used. */
  glosses: Record<string, number>;
  examples: Record<string, GlossLocation[]>;
}

/** The result of an auto-link job (`glossing/link/`). */
export interface LinkResult {
  linked: number;
  ambiguous: number;
  unmatched: number;
  utterances: number;
}

export interface CorpusExample {
  utterance: string;
  text: string;
  transcription: string;
  translations: Record<string, string>;
}

/** An entry as the dictionary search returns it: `entry_id` is the id morphemes name in `lemma`. */
export interface DictionaryEntry extends Entry {
  entry_id: string;
  examples: CorpusExample[];
}

export interface ImportProblem {
  line?: number | null;
  element?: string | null;
  problem: string;
}

export const MORPH_TYPES = [
  "root",
  "stem",
  "bound root",
  "bound stem",
  "prefix",
  "suffix",
  "infix",
  "circumfix",
  "proclitic",
  "enclitic",
  "clitic",
  "particle",
  "phrase",
  "discontiguous phrase",
] as const;

// ---------------------------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------------------------

/** A 409 `version_conflict`; `current` is the document as it is now on the server. */
export class ConflictError<T> extends ApiError {
  readonly current: T;

  constructor(status: number, body: ReturnType<typeof parseErrorBody>, current: T) {
    super(status, body);
    this.name = "ConflictError";
    this.current = current;
  }
}

export function isConflict<T>(error: unknown): error is ConflictError<T> {
  return error instanceof ConflictError;
}

async function csrfHeaders(): Promise<Record<string, string>> {
  if (readCookie("csrftoken") === null) await ensureCsrf();
  const token = readCookie("csrftoken");
  return token ? { "X-CSRFToken": token } : {};
}

async function readPayload(response: Response): Promise<unknown> {
  const text = response.status === 204 ? "" : await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A versioned write. Like `request()`, but a 409 becomes a `ConflictError` that keeps the
 * server's current document, so the editor can show both versions without another round trip.
 */
export async function versionedWrite<T>(method: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(apiUrl(path), {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      ...(await csrfHeaders()),
    },
    body: JSON.stringify(body),
  });
  const payload = await readPayload(response);
  if (response.ok) return payload as T;
  const parsed = parseErrorBody(response.status, response.statusText, payload);
  const current =
    payload && typeof payload === "object" ? (payload as { current?: unknown }).current : undefined;
  if (response.status === 409 && current && typeof current === "object") {
    // The error body's `current` is the raw stored document (`_id`); give it the API's `id`.
    const doc = { ...(current as Record<string, unknown>) };
    if (typeof doc._id === "string") doc.id = doc._id;
    throw new ConflictError<T>(response.status, parsed, doc as T);
  }
  throw new ApiError(response.status, parsed);
}


/** Strip the store's fields so a document can be sent back as a PUT body. */
export function utteranceBody(utterance: Utterance): UtteranceBody {
  const { id, version, created_at, created_by, updated_at, updated_by, text, ...body } = utterance;
  void [id, version, created_at, created_by, updated_at, updated_by, text];
  return body;
}

export function entryBody(entry: Entry): EntryBody {
  const { id, version, created_at, created_by, updated_at, updated_by, ...body } = entry;
  void [id, version, created_at, created_by, updated_at, updated_by];
  return body as EntryBody;
}

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

export const linguisticApi = {
  texts: {
    list: (slug: string, page = 1) =>
      request<Page<Text>>("GET", `${base(slug)}/texts/`, { query: { page } }),
    get: (slug: string, id: string) => request<Text>("GET", `${base(slug)}/texts/${enc(id)}/`),
    create: (slug: string, input: TextInput) =>
      request<Text>("POST", `${base(slug)}/texts/`, { body: input }),
    update: (slug: string, id: string, version: number, changes: TextInput) =>
      versionedWrite<Text>("PATCH", `${base(slug)}/texts/${enc(id)}/`, { ...changes, version }),
    history: (slug: string, id: string) => request<HistoryEntry[]>("GET", `${base(slug)}/texts/${enc(id)}/history/`),
    version: (slug: string, id: string, version: number) =>
      request<Text>("GET", `${base(slug)}/texts/${enc(id)}/versions/${version}/`),
    revert: (slug: string, id: string, version: number, toVersion: number) =>
      versionedWrite<Text>("POST", `${base(slug)}/texts/${enc(id)}/revert/`, { version, to_version: toVersion }),
  },
  utterances: {
    listAll: (slug: string, textId: string) =>
      listAll<Utterance>(`${base(slug)}/texts/${enc(textId)}/utterances/?page_size=500`, 200),
    /**
     * Every utterance of a text, the first few early through `first` (so a long text shows at
     * once), the rest in pages of 500 fetched three at a time.
     */
    listProgressive: async (slug: string, textId: string, first: (head: Utterance[]) => void) => {
      const path = `${base(slug)}/texts/${enc(textId)}/utterances/`;
      const head = await request<Page<Utterance>>("GET", path, { query: { page_size: FIRST_PAGE } });
      if (!head.next) return head.results;
      first(head.results);
      const pages = Math.ceil(head.count / FULL_PAGE);
      const parts: Utterance[][] = [];
      let nextPage = 1;
      const fetchPages = async () => {
        while (nextPage <= pages) {
          const pageNo = nextPage++;
          const got = await request<Page<Utterance>>("GET", path, { query: { page: pageNo, page_size: FULL_PAGE } });
          parts[pageNo - 1] = got.results;
        }
      };
      await Promise.all([fetchPages(), fetchPages(), fetchPages()]);
      return parts.flat();
    },
    get: (slug: string, id: string) =>
      request<Utterance>("GET", `${base(slug)}/utterances/${enc(id)}/`),
    create: (slug: string, textId: string, body: Partial<UtteranceBody>) =>
      request<Utterance>("POST", `${base(slug)}/texts/${enc(textId)}/utterances/`, { body }),
    save: (slug: string, id: string, version: number, body: UtteranceBody) =>
      versionedWrite<Utterance>("PUT", `${base(slug)}/utterances/${enc(id)}/`, {
        ...body,
        version,
      }),
    /** A new utterance at position `order` (0-based; the ones from there move down). */
    insert: (slug: string, textId: string, order: number, body: Partial<UtteranceBody>) =>
      request<Utterance>("POST", `${base(slug)}/texts/${enc(textId)}/utterances/`, { body: { ...body, order } }),
    remove: (slug: string, id: string, version: number) =>
      request<void>("DELETE", `${base(slug)}/utterances/${enc(id)}/`, { query: { version } }),
    /** Cut before word `word` (0-based): the rest becomes a new utterance after it. */
    split: (slug: string, id: string, version: number, word: number) =>
      versionedWrite<{ utterances: [Utterance, Utterance] }>("POST", `${base(slug)}/utterances/${enc(id)}/split/`, {
        version,
        word,
      }),
    mergeWithNext: (slug: string, id: string, version: number, nextVersion: number) =>
      versionedWrite<Utterance>("POST", `${base(slug)}/utterances/${enc(id)}/merge/`, {
        version,
        next_version: nextVersion,
      }),
    history: (slug: string, id: string) =>
      request<HistoryEntry[]>("GET", `${base(slug)}/utterances/${enc(id)}/history/`),
    version: (slug: string, id: string, version: number) =>
      request<Utterance>("GET", `${base(slug)}/utterances/${enc(id)}/versions/${version}/`),
    revert: (slug: string, id: string, version: number, toVersion: number) =>
      versionedWrite<Utterance>("POST", `${base(slug)}/utterances/${enc(id)}/revert/`, {
        version,
        to_version: toVersion,
      }),
  },
  lexicon: {
    page: (slug: string, page = 1) =>
      request<Page<Entry>>("GET", `${base(slug)}/lexicon/`, { query: { page } }),
    listAll: (slug: string) => listAll<Entry>(`${base(slug)}/lexicon/?page_size=500`, 100),
    get: (slug: string, id: string) => request<Entry>("GET", `${base(slug)}/lexicon/${enc(id)}/`),
    create: (slug: string, body: EntryBody) =>
      request<Entry>("POST", `${base(slug)}/lexicon/`, { body }),
    save: (slug: string, id: string, version: number, body: EntryBody) =>
      versionedWrite<Entry>("PUT", `${base(slug)}/lexicon/${enc(id)}/`, { ...body, version }),
    history: (slug: string, id: string) => request<HistoryEntry[]>("GET", `${base(slug)}/lexicon/${enc(id)}/history/`),
    version: (slug: string, id: string, version: number) =>
      request<Entry>("GET", `${base(slug)}/lexicon/${enc(id)}/versions/${version}/`),
    revert: (slug: string, id: string, version: number, toVersion: number) =>
      versionedWrite<Entry>("POST", `${base(slug)}/lexicon/${enc(id)}/revert/`, { version, to_version: toVersion }),
  },
  imports: {
    start: (slug: string, file: File, format: ImportFormat, mapping?: Record<string, unknown> | null) => {
      const form = new FormData();
      form.append("file", file);
      form.append("format", format);
      if (mapping) form.append("mapping", JSON.stringify(mapping));
      return postForm<Job>(`${base(slug)}/imports/`, form);
    },
    eafTiers: (slug: string, file: File) => {
      const form = new FormData();
      form.append("file", file);
      return postForm<EafTier[]>(`${base(slug)}/imports/eaf/tiers/`, form);
    },
    eafPreview: (slug: string, file: File, mapping: EafMapping, records = 3) => {
      const form = new FormData();
      form.append("file", file);
      form.append("mapping", JSON.stringify(mapping));
      form.append("records", String(records));
      return postForm<EafPreview>(`${base(slug)}/imports/eaf/preview/`, form);
    },
    toolboxPreview: (slug: string, file: File, mapping: Record<string, unknown> | null, records = 3) => {
      const form = new FormData();
      form.append("file", file);
      form.append("records", String(records));
      if (mapping) form.append("mapping", JSON.stringify(mapping));
      return postForm<ToolboxPreview>(`${base(slug)}/imports/toolbox/preview/`, form);
    },
  },
  concordance: (
    slug: string,
    params: { field: ConcordanceField; q: string; mode: ConcordanceMode; lang?: string; page?: number },
  ) => request<ConcordancePage>("GET", `${base(slug)}/concordance/`, { query: params }),
  /** Prefix search over headwords, variants and glosses, exact headwords first. */
  dictionary: (slug: string, q: string, page = 1) =>
    request<Page<DictionaryEntry>>("GET", `${base(slug)}/dictionary/`, { query: { q, page } }),
  glossing: {
    /** The server's Leipzig abbreviations (`glossing/leipzig/`). */
    leipzig: (slug: string) =>
      request<{ gram: string; meaning: string }[]>("GET", `${base(slug)}/glossing/leipzig/`),
    check: (slug: string, page = 1, grams = "") =>
      request<Page<GlossWarning>>("GET", `${base(slug)}/glossing/check/`, {
        query: { page, grams: grams || undefined },
      }),
    consistency: (slug: string, page = 1) =>
      request<Page<InconsistentForm>>("GET", `${base(slug)}/glossing/consistency/`, { query: { page } }),
    /** Create an entry for each morpheme form the lexicon lacks. */
    createEntries: (slug: string, glossLang = "en") =>
      request<{ created: number }>("POST", `${base(slug)}/glossing/create-entries/`, {
        body: { gloss_lang: glossLang },
      }),
    /** Bulk gloss edit: every morpheme with `form` (and, if given, `gloss`) gets the gloss `to`. */
    replace: (slug: string, body: { form?: string; gloss?: string; to: string }) =>
      request<{ morphemes: number; utterances: number; skipped: number }>(
        "POST",
        `${base(slug)}/glossing/replace/`,
        { body },
      ),
    /** Start linking morphemes to lexicon entries; the job's `result` is a `LinkResult`. */
    link: (slug: string, relink: boolean) =>
      request<Job>("POST", `${base(slug)}/glossing/link/`, { body: { relink } }),
  },
  /** The export of the project, or of one text (`text`: its id; `eaf` needs one). */
  exportUrl: (slug: string, format: ExportFormat, text?: string) =>
    apiUrl(`${base(slug)}/export/`, text ? { format, text } : { format }),
  /** Export as a job (large corpora): the file is then at `exportJobUrl`. */
  startExport: (slug: string, format: ExportFormat) =>
    request<Job>("POST", `${base(slug)}/exports/`, { body: { format } }),
  exportJobUrl: (slug: string, jobId: string) =>
    apiUrl(`${base(slug)}/exports/${encodeURIComponent(jobId)}/download`),
  /** Typeset the print dictionary (two-column PDF) as a job. */
  startDictionaryPdf: (slug: string) => request<Job>("POST", `${base(slug)}/dictionary/pdf/`),
  dictionaryPdfUrl: (slug: string, jobId: string) =>
    apiUrl(`${base(slug)}/dictionary/pdf/${encodeURIComponent(jobId)}`),
};

/** The problems a failed import job reports (`job.error.problems`). */
export function importProblems(job: Job | null): ImportProblem[] {
  const problems = job?.error?.problems;
  if (!Array.isArray(problems)) return [];
  return problems
    .filter((p): p is Record<string, unknown> => !!p && typeof p === "object")
    .map((p) => ({
      line: typeof p.line === "number" ? p.line : null,
      element: typeof p.element === "string" ? p.element : null,
      problem: String(p.problem ?? p.message ?? ""),
    }));
}

/** The headword of an entry: its first form. */
export function headword(entry: Pick<Entry, "forms">): string {
  return Object.values(entry.forms ?? {})[0] ?? "";
}

/** A sense's gloss in `lang`, else its first gloss. */
export function senseGloss(sense: Sense, lang = "en"): string {
  const glosses = sense.gloss ?? {};
  return glosses[lang] ?? Object.values(glosses)[0] ?? "";
}
