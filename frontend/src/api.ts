/**
 * The one client for Fieldmark's REST API (`/api/v1`).
 *
 * Every screen goes through `api` so that session cookies, the CSRF header, JSON encoding and the
 * server's single error shape are handled in one place.
 */

import { TAB_ID } from "./realtime/tab";

export const API_BASE = "/api/v1";

// ---------------------------------------------------------------------------------------------
// Types mirroring the server's JSON
// ---------------------------------------------------------------------------------------------

export type Role = "owner" | "manager" | "annotator" | "viewer";
export type Visibility = "private" | "public";
export type InvitationStatus = "pending" | "accepted" | "declined" | "revoked";
export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface User {
  id: number;
  username: string;
  email: string;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Project {
  slug: string;
  name: string;
  description: string;
  object_languages: string[];
  visibility: Visibility;
  created_at: string;
  my_role: Role | null;
  member_count: number;
}

export interface ProjectInput {
  name: string;
  slug?: string;
  description?: string;
  object_languages?: string[];
  visibility?: Visibility;
}

export interface Member {
  username: string;
  email: string;
  role: Role;
  joined_at: string;
}

export interface Invitation {
  /** A UUID. */
  id: string;
  invitee: string;
  role: Role;
  status: InvitationStatus;
  invited_by: string;
  created_at: string;
  responded_at?: string | null;
}

export interface MyInvitation {
  /** A UUID. */
  id: string;
  project: { slug: string; name: string };
  role: Role;
  invited_by: string;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  actor: string | null;
  action: string;
  detail: Record<string, unknown>;
  created_at: string;
}

export interface Job {
  /** A UUID. */
  id: string;
  project: string | null;
  kind: string;
  state: JobState;
  progress: number;
  message: string;
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set([
  "succeeded",
  "failed",
  "cancelled",
]);

/** Messages pushed on `/ws/projects/{slug}/`; unknown types are passed through untouched. */
export interface SocketMessage {
  type: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type FieldErrorMap = Record<string, string[]>;

/** The server's one error shape: `{"error": code, "detail": message, "fields": {...}}`. */
export interface ErrorBody {
  error: string;
  detail: string;
  fields: FieldErrorMap;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: FieldErrorMap;

  constructor(status: number, body: ErrorBody) {
    super(body.detail || body.error);
    this.name = "ApiError";
    this.status = status;
    this.code = body.error;
    this.detail = body.detail;
    this.fields = body.fields;
  }

  /**
   * Messages for one field, or an empty list. The server flattens nested errors to dotted keys
   * (`object_languages.1`), which count as errors of their top-level field.
   */
  fieldErrors(name: string): string[] {
    const prefix = `${name}.`;
    const messages = Object.entries(this.fields).flatMap(([key, list]) =>
      key === name || key.startsWith(prefix) ? list : [],
    );
    return [...new Set(messages)];
  }
}

/** Flatten whatever a field error holds (string, list, nested dict from list fields) to strings. */
function flattenMessages(value: unknown): string[] {
  if (value == null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flattenMessages);
  if (typeof value === "object") return Object.values(value).flatMap(flattenMessages);
  return [String(value)];
}

/**
 * Build the error body from a response payload, tolerating servers (proxies, Django's own CSRF
 * page) that answer with something other than the agreed shape.
 */
export function parseErrorBody(status: number, statusText: string, payload: unknown): ErrorBody {
  const fallbackDetail = statusText || `Request failed with status ${status}`;
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return { error: `http_${status}`, detail: fallbackDetail, fields: {} };
  }
  const raw = payload as Record<string, unknown>;
  const fields: FieldErrorMap = {};
  if (raw.fields && typeof raw.fields === "object" && !Array.isArray(raw.fields)) {
    for (const [name, value] of Object.entries(raw.fields as Record<string, unknown>)) {
      const messages = flattenMessages(value);
      if (messages.length > 0) fields[name] = messages;
    }
  }
  return {
    error: typeof raw.error === "string" ? raw.error : `http_${status}`,
    detail: typeof raw.detail === "string" && raw.detail ? raw.detail : fallbackDetail,
    fields,
  };
}

// ---------------------------------------------------------------------------------------------
// CSRF and 401 handling
// ---------------------------------------------------------------------------------------------

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string): string | null {
  for (const part of document.cookie ? document.cookie.split(";") : []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

let csrfRequest: Promise<void> | null = null;

/** Ask the server for the `csrftoken` cookie once; later calls reuse the same request. */
export function ensureCsrf(): Promise<void> {
  if (!csrfRequest) {
    csrfRequest = fetch(`${API_BASE}/auth/csrf/`, { credentials: "same-origin" }).then(
      () => undefined,
      (error: unknown) => {
        csrfRequest = null;
        throw error;
      },
    );
  }
  return csrfRequest;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 response; the app uses it to send the user to /login. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Reset module state between unit tests. */
export function resetApiStateForTests(): void {
  csrfRequest = null;
  unauthorizedListeners.clear();
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** Turn an API path (`/projects/`) or a server-given absolute `next` link into a same-origin URL. */
export function apiUrl(pathOrUrl: string, query?: Query): string {
  let url: string;
  if (/^https?:\/\//.test(pathOrUrl)) {
    const parsed = new URL(pathOrUrl);
    url = parsed.pathname + parsed.search;
  } else if (pathOrUrl.startsWith(API_BASE + "/")) {
    url = pathOrUrl;
  } else {
    url = API_BASE + (pathOrUrl.startsWith("/") ? pathOrUrl : `/${pathOrUrl}`);
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const search = params.toString();
  if (search) url += (url.includes("?") ? "&" : "?") + search;
  return url;
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const upper = method.toUpperCase();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (!SAFE_METHODS.has(upper)) {
    if (readCookie("csrftoken") === null) await ensureCsrf();
    const token = readCookie("csrftoken");
    if (token) headers["X-CSRFToken"] = token;
    // Names this tab as the origin of the change, so its own socket is not sent the event.
    headers["X-Fieldmark-Tab"] = TAB_ID;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }

  const response = await fetch(apiUrl(path, options.query), {
    method: upper,
    credentials: "same-origin",
    headers,
    body,
    signal: options.signal,
  });

  const text = response.status === 204 ? "" : await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
  }

  if (!response.ok) {
    const error = new ApiError(
      response.status,
      parseErrorBody(response.status, response.statusText, payload),
    );
    if (response.status === 401) unauthorizedListeners.forEach((listener) => listener());
    throw error;
  }
  return payload as T;
}

/** POST a multipart form (imports, model archives, affect layers) with the CSRF token. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  if (readCookie("csrftoken") === null) await ensureCsrf();
  const token = readCookie("csrftoken");
  const response = await fetch(apiUrl(path), {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", ...(token ? { "X-CSRFToken": token } : {}) },
    body: form,
  });
  const text = await response.text();
  let payload: unknown = undefined;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = text;
  }
  if (!response.ok) {
    throw new ApiError(response.status, parseErrorBody(response.status, response.statusText, payload));
  }
  return payload as T;
}

/** Fetch every page of a paginated list (members, invitations: small by nature). */
export async function listAll<T>(path: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = path;
  for (let pageNo = 0; next && pageNo < maxPages; pageNo++) {
    const page: Page<T> = await request<Page<T>>("GET", next);
    items.push(...page.results);
    next = page.next;
  }
  return items;
}

const enc = encodeURIComponent;

export const api = {
  auth: {
    csrf: ensureCsrf,
    me: () => request<User>("GET", "/auth/me/"),
    login: (username: string, password: string) =>
      request<User>("POST", "/auth/login/", { body: { username, password } }),
    logout: () => request<void>("POST", "/auth/logout/"),
    register: (username: string, email: string, password: string) =>
      request<User>("POST", "/auth/register/", { body: { username, email, password } }),
  },
  projects: {
    list: (page = 1) => request<Page<Project>>("GET", "/projects/", { query: { page } }),
    create: (input: ProjectInput) => request<Project>("POST", "/projects/", { body: input }),
    get: (slug: string) => request<Project>("GET", `/projects/${enc(slug)}/`),
    update: (slug: string, changes: Partial<ProjectInput>) =>
      request<Project>("PATCH", `/projects/${enc(slug)}/`, { body: changes }),
    remove: (slug: string) => request<void>("DELETE", `/projects/${enc(slug)}/`),
    leave: (slug: string) => request<void>("POST", `/projects/${enc(slug)}/leave/`),
  },
  members: {
    list: (slug: string) => listAll<Member>(`/projects/${enc(slug)}/members/`),
    setRole: (slug: string, username: string, role: Role) =>
      request<Member>("PATCH", `/projects/${enc(slug)}/members/${enc(username)}/`, {
        body: { role },
      }),
    remove: (slug: string, username: string) =>
      request<void>("DELETE", `/projects/${enc(slug)}/members/${enc(username)}/`),
  },
  projectInvitations: {
    list: (slug: string) => listAll<Invitation>(`/projects/${enc(slug)}/invitations/`),
    create: (slug: string, invitee: string, role: Role) =>
      request<Invitation>("POST", `/projects/${enc(slug)}/invitations/`, {
        body: { invitee, role },
      }),
    revoke: (slug: string, id: string) =>
      request<void>("DELETE", `/projects/${enc(slug)}/invitations/${enc(id)}/`),
  },
  invitations: {
    /** First page only: its `count` is the pending total shown in the navigation. */
    page: () => request<Page<MyInvitation>>("GET", "/invitations/"),
    list: () => listAll<MyInvitation>("/invitations/"),
    /** Open the link mailed for an invitation by email: it becomes this account's. */
    claim: (token: string) =>
      request<MyInvitation>("POST", "/invitations/claim/", { body: { token } }),
    accept: (id: string) => request<Project>("POST", `/invitations/${enc(id)}/accept/`),
    decline: (id: string) => request<void>("POST", `/invitations/${enc(id)}/decline/`),
  },
  audit: {
    list: (slug: string, page = 1) =>
      request<Page<AuditEntry>>("GET", `/projects/${enc(slug)}/audit/`, { query: { page } }),
  },
  jobs: {
    list: (slug: string, page = 1) =>
      request<Page<Job>>("GET", `/projects/${enc(slug)}/jobs/`, { query: { page } }),
    get: (id: string, signal?: AbortSignal) =>
      request<Job>("GET", `/jobs/${enc(id)}/`, { signal }),
  },
};
