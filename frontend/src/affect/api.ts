/**
 * Affect annotation API (videos, coder layers, agreement) on top of the shared client in
 * `../api.ts`. Shapes mirror `annotations/affect_api/serializers.py`.
 */
import {
  API_BASE,
  ApiError,
  apiUrl,
  ensureCsrf,
  parseErrorBody,
  postForm,
  readCookie,
  request,
} from "../api";
import type { SchemaDoc } from "./schema";

export interface Video {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  duration_ms: number;
  /** Exact frame rate as a fraction, e.g. `30000/1001`. */
  fps: string;
  frame_count: number;
  width: number;
  height: number;
  container: string;
  video_codec: string;
  pix_fmt: string;
  audio_codec: string | null;
  needs_transcode: boolean;
  /** The `affect.transcode` job making the H.264 copy, when one was needed. */
  transcode_job?: string | null;
  /** Size of the H.264 copy the stream serves; null until made. */
  h264_size?: number | null;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface Segment {
  t0_ms: number;
  t1_ms: number;
  /** AU code → intensity: 1..5 = A..E, 0 absent, -1 unscorable. */
  aus: Record<string, number>;
  emotion: string | null;
  dimensions: Record<string, number>;
  note: string;
}

export interface AuEvent {
  au: string;
  onset_ms: number;
  apex_ms: number;
  offset_ms: number;
  intensity: number;
}

export interface Trace {
  fps: number;
  /** One value per frame from frame 0; null = not coded. */
  values: (number | null)[];
}

export type LayerKind = "coder" | "gold" | "model";

export interface Layer {
  id: string;
  video: string;
  annotator: string;
  kind: LayerKind;
  schema_version: number;
  segments: Segment[];
  events: AuEvent[];
  trace_tracks: string[];
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface LayerDetail extends Layer {
  traces?: Record<string, Trace>;
}

export interface LayerWrite {
  segments: Segment[];
  events?: AuEvent[];
  /** Left out: the server keeps the stored traces. */
  traces?: Record<string, Trace>;
}

export interface DimensionAgreement {
  icc_2_1: number | null;
  icc_3_1: number | null;
  frames_all_coders: number;
  alpha_interval: number | null;
  /** One per pair, in `pairs` order. */
  ccc: (number | null)[];
}

export interface AgreementReport {
  video: string;
  fps: number;
  n_frames: number;
  coders: { layer: string; annotator: string }[];
  au: {
    coders: string[];
    pairs: [string, string][];
    aus: string[];
    fps: number;
    n_frames: number;
    occurrence: {
      /** pairs × aus */
      kappa: (number | null)[][];
      agreement: (number | null)[][];
      frames: number[][];
      fleiss_kappa: (number | null)[];
    };
    intensity: { alpha_ordinal: (number | null)[] };
  };
  dimensions: {
    coders: string[];
    pairs: [string, string][];
    valence?: DimensionAgreement;
    arousal?: DimensionAgreement;
  };
  emotion: {
    category_set: string;
    kappa: (number | null)[];
    fleiss_kappa: number | null;
    alpha_nominal: number | null;
  };
}

/** One video of `GET /projects/{slug}/affect/agreement/` (at least two coder layers). */
export interface ProjectAgreementVideo {
  video: string;
  filename: string;
  /** Annotators of the video's coder layers. */
  coders: string[];
  n_frames: number;
  /** Per AU, in the report's `aus` order. */
  fleiss_kappa: (number | null)[];
  alpha_ordinal: (number | null)[];
}

/** AU agreement over the project's videos (`services.project_agreement`). */
export interface ProjectAgreementReport {
  schema_version: number;
  aus: string[];
  videos: ProjectAgreementVideo[];
  /** Every frame of every video pooled, per AU. */
  pooled: {
    videos: number;
    frames: number;
    /** Cohen's κ of the occurrence table summed over all pairs of all videos. */
    kappa: (number | null)[];
    pair_frames: number[];
    alpha_nominal: (number | null)[];
    alpha_ordinal: (number | null)[];
  };
}

/** One version of a layer's (or the schema's) history. */
export interface HistoryEntry {
  version: number;
  op: string;
  by: string;
  at: string;
  /** Top-level fields this version changed. */
  changed: string[];
}

export type ImportFormat = "eaf" | "csv" | "frames.csv" | "emotionml";

export interface ImportResult {
  created: Layer[];
  updated: Layer[];
}

export interface GoldRequest {
  method: "majority" | "coder";
  tie_break?: string;
  aus?: string[];
  assignments?: { t0_ms: number; t1_ms: number; annotator: string }[];
  version?: number;
}

export interface SchemaWrite {
  action_units: { code: string; name?: string }[];
  emotions: string | string[];
  dimensions: string[];
  notes: boolean;
  version: number;
}

/** A link between a glossed utterance and a span of a video. */
export interface VideoLink {
  id: string;
  utterance: string;
  video: string;
  t0_ms: number;
  t1_ms: number;
  note: string;
  version: number;
  created_at: string;
  created_by: string;
  /** The utterance's text; null when the utterance was deleted since. */
  text: string | null;
  utterance_order: number | null;
  transcription: string;
}

export type ExportFormat = "csv" | "frames.csv" | "eaf" | "emotionml" | "json";

const enc = encodeURIComponent;
const videosPath = (slug: string) => `/projects/${enc(slug)}/videos/`;
const videoPath = (slug: string, id: string) => `${videosPath(slug)}${enc(id)}`;
const layerPath = (slug: string, id: string, layerId: string) =>
  `${videoPath(slug, id)}/layers/${enc(layerId)}/`;

/** Frame rate as a number: "30000/1001" → 29.97…; bad input → NaN. */
export function parseFps(fps: string): number {
  const [num, den = "1"] = fps.split("/");
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : Number.NaN;
}

export function streamUrl(slug: string, id: string): string {
  return `${API_BASE}${videoPath(slug, id)}/stream`;
}

export function posterUrl(slug: string, id: string): string {
  return `${API_BASE}${videoPath(slug, id)}/poster.jpg`;
}

export function exportUrl(slug: string, id: string, format: ExportFormat, layer?: string): string {
  return apiUrl(`${videoPath(slug, id)}/export`, { format, layer });
}

export interface UploadHandle {
  promise: Promise<Video>;
  abort: () => void;
}

/**
 * Upload a video as multipart `file` through XHR (fetch cannot report upload progress).
 * `onProgress` gets the fraction sent, or null while the size is unknown.
 */
export function uploadVideo(
  slug: string,
  file: File,
  onProgress: (fraction: number | null) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = (async () => {
    if (readCookie("csrftoken") === null) await ensureCsrf();
    return new Promise<Video>((resolve, reject) => {
      xhr.open("POST", apiUrl(videosPath(slug)));
      xhr.withCredentials = true;
      xhr.setRequestHeader("Accept", "application/json");
      const token = readCookie("csrftoken");
      if (token) xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.onprogress = (event) =>
        onProgress(event.lengthComputable ? event.loaded / event.total : null);
      xhr.onload = () => {
        let payload: unknown = undefined;
        try {
          payload = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
        } catch {
          payload = xhr.responseText;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(payload as Video);
        else reject(new ApiError(xhr.status, parseErrorBody(xhr.status, xhr.statusText, payload)));
      };
      xhr.onerror = () => reject(new Error("The upload failed: network error."));
      xhr.onabort = () => reject(new Error("The upload was cancelled."));
      const form = new FormData();
      form.append("file", file);
      xhr.send(form);
    });
  })();
  return { promise, abort: () => xhr.abort() };
}


export const affectApi = {
  videos: {
    list: (slug: string) => request<Video[]>("GET", videosPath(slug)),
    get: (slug: string, id: string) => request<Video>("GET", `${videoPath(slug, id)}/`),
  },
  layers: {
    list: (slug: string, id: string) => request<Layer[]>("GET", `${videoPath(slug, id)}/layers/`),
    get: (slug: string, id: string, layerId: string) =>
      request<LayerDetail>("GET", layerPath(slug, id, layerId)),
    create: (slug: string, id: string, body: LayerWrite & { kind?: LayerKind }) =>
      request<Layer>("POST", `${videoPath(slug, id)}/layers/`, { body }),
    update: (slug: string, id: string, layerId: string, version: number, body: LayerWrite) =>
      request<Layer>("PUT", layerPath(slug, id, layerId), { body: { ...body, version } }),
  },
  history: (slug: string, id: string, layerId: string) =>
    request<HistoryEntry[]>("GET", `${layerPath(slug, id, layerId)}history/`),
  layerVersion: (slug: string, id: string, layerId: string, version: number) =>
    request<Layer>("GET", `${layerPath(slug, id, layerId)}history/${version}/`),
  revert: (slug: string, id: string, layerId: string, toVersion: number, version: number) =>
    request<Layer>("POST", `${layerPath(slug, id, layerId)}revert/`, {
      body: { to_version: toVersion, version },
    }),
  gold: (slug: string, id: string, body: GoldRequest) =>
    request<Layer>("POST", `${videoPath(slug, id)}/gold/`, { body }),
  importLayers: (
    slug: string,
    id: string,
    file: File,
    format: ImportFormat,
    options: { annotator?: string; kind?: "coder" | "model" } = {},
  ) => {
    const form = new FormData();
    form.append("file", file);
    form.append("format", format);
    if (options.annotator) form.append("annotator", options.annotator);
    form.append("kind", options.kind ?? "coder");
    return postForm<ImportResult>(`${videoPath(slug, id)}/imports/`, form);
  },
  schema: {
    get: (slug: string) => request<SchemaDoc>("GET", `/projects/${enc(slug)}/affect/schema/`),
    put: (slug: string, body: SchemaWrite) =>
      request<SchemaDoc>("PUT", `/projects/${enc(slug)}/affect/schema/`, { body }),
    history: (slug: string) =>
      request<HistoryEntry[]>("GET", `/projects/${enc(slug)}/affect/schema/history/`),
  },
  links: {
    forVideo: (slug: string, id: string) =>
      request<VideoLink[]>("GET", `${videoPath(slug, id)}/links/`),
    all: (slug: string) => request<VideoLink[]>("GET", `/projects/${enc(slug)}/affect/links/`),
    forUtterance: (slug: string, utterance: string) =>
      request<VideoLink[]>("GET", `/projects/${enc(slug)}/affect/links/`, {
        query: { utterance },
      }),
    create: (
      slug: string,
      body: { utterance: string; video: string; t0_ms: number; t1_ms: number; note?: string },
    ) => request<VideoLink>("POST", `/projects/${enc(slug)}/affect/links/`, { body }),
    remove: (slug: string, link: VideoLink) =>
      request<void>("DELETE", `/projects/${enc(slug)}/affect/links/${enc(link.id)}/`, {
        query: { version: link.version },
      }),
  },
  agreement: (slug: string, id: string) =>
    request<AgreementReport>("GET", `${videoPath(slug, id)}/agreement/`),
  projectAgreement: (slug: string) =>
    request<ProjectAgreementReport>("GET", `/projects/${enc(slug)}/affect/agreement/`),
};
