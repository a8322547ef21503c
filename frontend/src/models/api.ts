/**
 * The models API (`mlworkers`): tasks, training runs, versions (metrics, plots, activate,
 * roll back, import, external servers), schedules, suggestions, feedback, pre-annotation and
 * the "gloss next" queue.
 */
import { listAll, postForm, request, type Job, type Page } from "../api";

const enc = encodeURIComponent;
const base = (slug: string) => `/projects/${enc(slug)}`;

export interface TaskInfo {
  name: string;
  kinds: string[];
  gpu_kinds: string[];
  serves_suggestions: boolean;
}

export interface Metrics {
  word_accuracy?: number;
  morpheme_accuracy?: number;
  macro_f1?: number;
  stems?: { accuracy: number; count: number };
  grams?: { accuracy: number; count: number };
  confusion?: Confusion;
  per_label?: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  count?: { words: number; morphemes: number };
}

export interface Confusion {
  labels: string[];
  /** matrix[gold][predicted], in the order of `labels`. */
  matrix: number[][];
}

export interface CurvePoint {
  size: number;
  utterances: number;
  word_accuracy: number;
  morpheme_accuracy: number;
}

export interface LossPoint {
  step: number;
  epoch: number;
  fraction: number;
  loss: number | null;
  message: string;
}

export interface Run {
  id: number;
  task: string;
  kind: string;
  params: Record<string, unknown>;
  state: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  job: (Job & { queue?: string; cancel_requested?: boolean }) | null;
  schedule: number | null;
  data_hash: string;
  counts: Record<string, number>;
  seed: number;
  heldout_fraction: number;
  metrics: Metrics | null;
  durations: Record<string, number>;
  device: string;
  error: string;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  version: number | null;
}

export interface RunDetail extends Run {
  history: LossPoint[];
  log: string;
  learning_curve: CurvePoint[];
}

export interface Acceptance {
  total: number;
  accepted: number;
  rate: number | null;
}

export interface Version {
  id: number;
  task: string;
  kind: string;
  number: number;
  status: "candidate" | "active" | "retired";
  source: "trained" | "imported" | "external";
  name: string;
  run: number | null;
  data_hash: string;
  trained_by: string | null;
  created_at: string;
  activated_at: string | null;
  external_url: string;
  external_timeout: number;
  acceptance: Acceptance;
  headline: Pick<Metrics, "word_accuracy" | "morpheme_accuracy" | "macro_f1">;
}

export interface VersionDetail extends Version {
  metrics: Metrics | null;
  summary: Record<string, unknown>;
}

export interface Plots {
  confusion: Confusion | null;
  learning_curve: CurvePoint[];
  loss: LossPoint[];
  per_label: Metrics["per_label"];
}

export interface Schedule {
  id: number;
  task: string;
  kind: string;
  params: Record<string, unknown>;
  trigger: "cron" | "changes";
  cron: string;
  min_changes: number;
  check_every_seconds: number;
  auto_activate: boolean;
  enabled: boolean;
  last_fired_at: string | null;
  last_outcome: string;
  created_at: string;
}

export type ScheduleInput = Partial<Omit<Schedule, "id" | "last_fired_at" | "last_outcome" | "created_at">>;

export interface Label {
  label: string;
  p: number;
}

export interface MorphPrediction {
  index: number;
  form: string;
  labels: Label[];
}

/** One analysis of an unsegmented word (the segment task): morph forms, the boundary before
 *  each ("" for the first), their glosses, and its probability. */
export interface SegmentationPrediction {
  morphemes: string[];
  boundaries: string[];
  glosses: string[];
  p: number;
}

export interface WordPrediction {
  index: number;
  form: string;
  labels: Label[];
  morphemes: MorphPrediction[];
  segmentations?: SegmentationPrediction[];
}

export interface VersionInfo {
  id: number;
  number: number;
  kind: string;
  task: string;
  status: string;
}

export interface SuggestResponse {
  task: string;
  version: VersionInfo;
  prediction: { id: string; words: WordPrediction[]; confidence: number };
}

export interface SuggestionItem {
  word: number;
  morpheme: number | null;
  field: string;
  label: string;
  p: number;
  /** A segmentation's labels also carry the glosses of its morphs. */
  labels: (Label & { glosses?: string[] })[];
  status: "pending" | "accepted" | "rejected";
}

export interface StoredSuggestions {
  utterance: string;
  task: string;
  version: number;
  version_number: number;
  utterance_version: number;
  items: SuggestionItem[];
}

export interface Feedback {
  version: number;
  utterance: string;
  word: number;
  morpheme: number | null;
  field?: string;
  label: string;
  p: number;
  accepted: boolean;
  apply?: boolean;
}

export interface QueueRow {
  utterance: string;
  text: string | null;
  order: number | null;
  confidence: number;
  margin: number;
  words: number;
  labelled: number;
  open: number;
  transcription: string;
}

export type Uncertainty = "confidence" | "margin";

export interface Queue {
  task: string;
  by: Uncertainty;
  version: VersionInfo;
  results: QueueRow[];
  scanned: number;
}


export const modelsApi = {
  tasks: (slug: string) => request<TaskInfo[]>("GET", `${base(slug)}/models/tasks/`),
  runs: {
    list: (slug: string, page = 1) => request<Page<Run>>("GET", `${base(slug)}/models/runs/`, { query: { page } }),
    get: (slug: string, id: number) => request<RunDetail>("GET", `${base(slug)}/models/runs/${id}/`),
    start: (slug: string, body: { task: string; kind: string; params?: Record<string, unknown>; activate?: boolean }) =>
      request<Run>("POST", `${base(slug)}/models/runs/`, { body }),
    cancel: (slug: string, id: number) => request<Run>("POST", `${base(slug)}/models/runs/${id}/cancel/`),
  },
  versions: {
    list: (slug: string, task?: string) =>
      listAll<Version>(`${base(slug)}/models/versions/${task ? `?task=${enc(task)}` : ""}`),
    get: (slug: string, id: number) => request<VersionDetail>("GET", `${base(slug)}/models/versions/${id}/`),
    plots: (slug: string, id: number) => request<Plots>("GET", `${base(slug)}/models/versions/${id}/plots/`),
    activate: (slug: string, id: number) => request<Version>("POST", `${base(slug)}/models/versions/${id}/activate/`),
    rollback: (slug: string, task: string) =>
      request<Version>("POST", `${base(slug)}/models/versions/rollback/`, { body: { task } }),
    importFile: (slug: string, task: string, kind: string, file: File) => {
      const form = new FormData();
      form.append("task", task);
      form.append("kind", kind);
      form.append("file", file);
      return postForm<Version>(`${base(slug)}/models/versions/import/`, form);
    },
    external: (slug: string, body: { task: string; url: string; token?: string; timeout?: number; name?: string }) =>
      request<Version>("POST", `${base(slug)}/models/versions/external/`, { body }),
  },
  schedules: {
    list: (slug: string) => listAll<Schedule>(`${base(slug)}/models/schedules/`),
    create: (slug: string, body: ScheduleInput) =>
      request<Schedule>("POST", `${base(slug)}/models/schedules/`, { body }),
    update: (slug: string, id: number, body: ScheduleInput) =>
      request<Schedule>("PATCH", `${base(slug)}/models/schedules/${id}/`, { body }),
    remove: (slug: string, id: number) => request<void>("DELETE", `${base(slug)}/models/schedules/${id}/`),
  },
  queue: (slug: string, task = "gloss", limit = 20, by: Uncertainty = "confidence") =>
    request<Queue>("GET", `${base(slug)}/models/queue/`, { query: { task, limit, by } }),
  suggest: (slug: string, body: { task?: string; utterance?: string; morphemes?: string[]; top_k?: number }) =>
    request<SuggestResponse>("POST", `${base(slug)}/suggestions/`, { body }),
  feedback: (slug: string, body: Feedback) =>
    request<{ accepted: boolean; written: boolean }>("POST", `${base(slug)}/suggestions/feedback/`, { body }),
  bulkAccept: (slug: string, body: { task: string; threshold: number; text?: string | null }) =>
    request<{ accepted: number; skipped: number }>("POST", `${base(slug)}/suggestions/bulk-accept/`, { body }),
  preannotate: (slug: string, body: { task: string; text?: string | null }) =>
    request<Job>("POST", `${base(slug)}/suggestions/preannotate/`, { body }),
  forText: (slug: string, text: string, task = "gloss") =>
    request<StoredSuggestions[]>("GET", `${base(slug)}/texts/${enc(text)}/suggestions/`, { query: { task } }),
};
