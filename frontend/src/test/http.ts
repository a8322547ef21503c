import { vi } from "vitest";

export interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Reply = { status: number; body?: unknown; statusText?: string; text?: string };
type Route = (call: Recorded) => Reply | undefined;

/** Replace `fetch` with a router of canned replies; returns the list of calls made. */
export function mockFetch(route: Route): Recorded[] {
  const calls: Recorded[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const call: Recorded = {
        url: String(input),
        method: (init.method ?? "GET").toUpperCase(),
        headers: { ...(init.headers as Record<string, string> | undefined) },
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
        credentials: init.credentials,
      };
      calls.push(call);
      const reply = route(call) ?? { status: 404, body: { error: "not_found", detail: "Not found.", fields: {} } };
      const text = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
      return new Response(reply.status === 204 ? null : text, {
        status: reply.status,
        statusText: reply.statusText ?? "",
        headers: { "Content-Type": reply.text ? "text/html" : "application/json" },
      });
    }),
  );
  return calls;
}

export function clearCookies(): void {
  for (const part of document.cookie.split(";")) {
    const name = part.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}
