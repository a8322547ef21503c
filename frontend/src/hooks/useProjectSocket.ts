import { useEffect, useRef, useState } from "react";
import type { SocketMessage } from "../api";

export type SocketStatus = "connecting" | "open" | "closed" | "refused";

/** Close codes the server uses for 401/403/404: retrying cannot help, so we stop. */
export const REFUSED_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 4404]);

export interface UseProjectSocketOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function projectSocketUrl(slug: string, location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/projects/${encodeURIComponent(slug)}/`;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with a little jitter. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  const base = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

/**
 * Keep a websocket to `/ws/projects/{slug}/` open while mounted, reconnecting with backoff, and
 * hand every JSON message to `onMessage` (the latest callback, so callers need not memoise it).
 * The server skips the sender of a change, so a tab refreshes its own changes itself.
 */
export function useProjectSocket(
  slug: string | null | undefined,
  onMessage: (message: SocketMessage) => void,
  options: UseProjectSocketOptions = {},
): SocketStatus {
  const { minDelayMs = 1000, maxDelayMs = 30000 } = options;
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    if (!slug) return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      setStatus("connecting");
      socket = new WebSocket(projectSocketUrl(slug));
      socket.onopen = () => {
        attempt = 0;
        setStatus("open");
      };
      socket.onmessage = (event: MessageEvent) => {
        let message: unknown;
        try {
          message = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (message && typeof message === "object" && "type" in message) {
          handler.current(message as SocketMessage);
        }
      };
      socket.onclose = (event: CloseEvent) => {
        socket = null;
        if (stopped) return;
        if (REFUSED_CLOSE_CODES.has(event.code)) {
          setStatus("refused");
          return;
        }
        setStatus("closed");
        timer = setTimeout(connect, backoffDelay(attempt++, minDelayMs, maxDelayMs));
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [slug, minDelayMs, maxDelayMs]);

  return status;
}
