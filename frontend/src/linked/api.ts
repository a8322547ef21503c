/**
 * The project's linked-data endpoints: the SPARQL endpoint and the graph's status (prefixes,
 * limits, worked example queries).
 */
import { API_BASE, ApiError, ensureCsrf, parseErrorBody, readCookie, request } from "../api";

export interface WorkedExample {
  name: string;
  description: string;
  query: string;
}

export interface GraphStatus {
  graph: string;
  base: string;
  pending: number;
  lag_s: number;
  max_rows: number;
  timeout_s: number;
  prefixes: Record<string, string>;
  examples: WorkedExample[];
}

export interface SparqlTerm {
  type: "uri" | "literal" | "bnode" | "typed-literal";
  value: string;
  "xml:lang"?: string;
  datatype?: string;
}

export interface SparqlResults {
  head: { vars?: string[] };
  boolean?: boolean;
  results?: { bindings: Record<string, SparqlTerm>[] };
}

export interface QueryAnswer {
  results: SparqlResults;
  truncated: boolean;
  ms: number;
}

const enc = encodeURIComponent;

export const linkedApi = {
  status: (slug: string) => request<GraphStatus>("GET", `/projects/${enc(slug)}/rdf/status/`),

  /** POST the query (SPARQL 1.1 Protocol, form-encoded) and read SPARQL JSON results. */
  async query(slug: string, query: string, signal?: AbortSignal): Promise<QueryAnswer> {
    const started = performance.now();
    const headers: Record<string, string> = {
      Accept: "application/sparql-results+json",
      "Content-Type": "application/x-www-form-urlencoded",
    };
    if (readCookie("csrftoken") === null) await ensureCsrf();
    const token = readCookie("csrftoken");
    if (token) headers["X-CSRFToken"] = token;
    const response = await fetch(`${API_BASE}/projects/${enc(slug)}/sparql`, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: new URLSearchParams({ query }).toString(),
      signal,
    });
    const text = await response.text();
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {
      // not JSON: a CONSTRUCT answer or a proxy's page; shown as it is
    }
    if (!response.ok) {
      throw new ApiError(response.status, parseErrorBody(response.status, response.statusText, payload));
    }
    return {
      results: payload as SparqlResults,
      truncated: response.headers.get("X-Fieldmark-Truncated") === "true",
      ms: Math.round(performance.now() - started),
    };
  },
};

/** A term as a table cell shows it: IRIs shortened by the known prefixes, languages marked. */
export function showTerm(term: SparqlTerm | undefined, prefixes: Record<string, string>): string {
  if (!term) return "";
  if (term.type === "uri") {
    for (const [prefix, ns] of Object.entries(prefixes)) {
      if (term.value.startsWith(ns) && term.value.length > ns.length) return `${prefix}:${term.value.slice(ns.length)}`;
    }
    return term.value;
  }
  if (term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
  return term.value;
}
