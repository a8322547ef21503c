/**
 * Resumable video upload (docs/api-uploads.md): announce the upload, send the file in chunks
 * with `Upload-Offset` through XHR (for upload progress), resume from the server's offset after
 * a network error or a 409, then `finish` to make the video.
 */
import { ApiError, apiUrl, ensureCsrf, parseErrorBody, readCookie, request } from "../api";
import type { UploadHandle, Video } from "./api";

export const CHUNK_SIZE = 8 * 1024 * 1024;
export const MAX_RETRIES = 5;

/** `POST /projects/{slug}/uploads/` and `GET …/uploads/{id}`. */
export interface UploadState {
  id: string;
  filename: string;
  size: number;
  offset: number;
  created_by?: string;
  created_at?: string;
}

export interface ResumableUploadOptions {
  chunkSize?: number;
  /** Failed attempts in a row (network error, 409, 5xx) before giving up. */
  maxRetries?: number;
  /** Delay before retry `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
  /** Injectable for tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** 0.5 s, 1 s, 2 s, 4 s, 8 s … capped at 8 s. */
export const defaultBackoff = (attempt: number): number => Math.min(8000, 500 * 2 ** (attempt - 1));

function abortError(): Error {
  return new Error("The upload was cancelled.");
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Raised for a chunk that did not reach the server whole; the caller asks where to resume. */
class RetryableChunkError extends Error {
  constructor(readonly cause: unknown) {
    super("The chunk did not arrive.");
  }
}

const enc = encodeURIComponent;
const uploadsPath = (slug: string) => `/projects/${enc(slug)}/uploads/`;
const uploadPath = (slug: string, id: string) => `${uploadsPath(slug)}${enc(id)}`;

/** A transient failure: network error, 409 (offset mismatch, busy) or a 5xx. */
function isRetryable(error: unknown): boolean {
  if (error instanceof RetryableChunkError) return true;
  if (error instanceof ApiError) return error.status === 409 || error.status >= 500;
  // fetch rejects with a TypeError on network failure.
  return error instanceof TypeError;
}

/** PUT one chunk through XHR; resolves with the server's new offset. */
function putChunk(
  url: string,
  offset: number,
  chunk: Blob,
  signal: AbortSignal,
  onLoaded: (loaded: number) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    xhr.open("PUT", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Upload-Offset", String(offset));
    xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
    const token = readCookie("csrftoken");
    if (token) xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onLoaded(Math.min(event.loaded, chunk.size));
    };
    xhr.onload = () => {
      done();
      let payload: unknown = undefined;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        payload = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const body = payload as Partial<UploadState> | undefined;
        const header = Number(xhr.getResponseHeader?.("Upload-Offset") ?? Number.NaN);
        const next = typeof body?.offset === "number" ? body.offset : header;
        resolve(Number.isFinite(next) ? next : offset + chunk.size);
      } else {
        reject(new ApiError(xhr.status, parseErrorBody(xhr.status, xhr.statusText, payload)));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new RetryableChunkError(new Error("network error")));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    xhr.send(chunk);
  });
}

/**
 * Upload `file` with the resumable protocol. `onProgress` gets the fraction of the file the
 * server holds plus what the current chunk has sent so far. `abort()` stops and deletes the
 * upload on the server.
 */
export function resumableUpload(
  slug: string,
  file: File,
  onProgress: (fraction: number | null) => void,
  options: ResumableUploadOptions = {},
): UploadHandle {
  const {
    chunkSize = CHUNK_SIZE,
    maxRetries = MAX_RETRIES,
    backoffMs = defaultBackoff,
    sleep = defaultSleep,
  } = options;
  const controller = new AbortController();
  const signal = controller.signal;
  let uploadId: string | null = null;

  const promise = (async () => {
    if (readCookie("csrftoken") === null) await ensureCsrf();
    const created = await request<UploadState>("POST", uploadsPath(slug), {
      body: { filename: file.name, size: file.size },
      signal,
    });
    uploadId = created.id;
    const url = apiUrl(uploadPath(slug, created.id));
    const size = file.size;
    const report = (bytes: number) => onProgress(size > 0 ? Math.min(1, bytes / size) : 1);
    let offset = created.offset;
    let failures = 0;
    report(offset);

    /** After a failure: wait, then learn the server's offset (which may fail too). */
    const recover = async (error: unknown) => {
      while (true) {
        if (signal.aborted) throw abortError();
        if (!isRetryable(error)) throw error;
        failures += 1;
        if (failures > maxRetries)
          throw error instanceof RetryableChunkError ? lastStraw(failures) : error;
        await sleep(backoffMs(failures), signal);
        try {
          const state = await request<UploadState>("GET", uploadPath(slug, created.id), { signal });
          offset = state.offset;
          report(offset);
          return;
        } catch (next) {
          error = next;
        }
      }
    };

    while (true) {
      while (offset < size) {
        const end = Math.min(offset + chunkSize, size);
        const start = offset;
        try {
          offset = await putChunk(url, start, file.slice(start, end), signal, (loaded) =>
            report(start + loaded),
          );
          failures = 0;
          report(offset);
        } catch (error) {
          await recover(error);
        }
      }
      try {
        return await request<Video>("POST", `${uploadPath(slug, created.id)}/finish`, { signal });
      } catch (error) {
        // Bytes missing after all (e.g. a chunk counted twice): resume from the server's offset.
        if (error instanceof ApiError && error.code === "incomplete_upload") {
          await recover(new RetryableChunkError(error));
        } else if (isRetryable(error) && !(error instanceof ApiError && error.status === 409)) {
          await recover(error);
        } else {
          throw error;
        }
      }
    }
  })();

  const guarded = promise.catch((error: unknown) => {
    if (signal.aborted) throw abortError();
    throw error;
  });

  return {
    promise: guarded,
    abort: () => {
      if (signal.aborted) return;
      controller.abort();
      // Give up on the server too, so the part file does not linger; best effort.
      if (uploadId !== null)
        request("DELETE", uploadPath(slug, uploadId)).catch(() => undefined);
    },
  };
}

function lastStraw(attempts: number): Error {
  return new Error(
    `The upload failed: the connection dropped ${attempts} times in a row. Try again later.`,
  );
}
