import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { SocketMessage } from "../api";
import { currentHub, releaseHub, retainHub, type ProjectHub, type SocketStatus } from "../realtime/hub";
import { people, type Person, type Where } from "../realtime/presence";

export { REFUSED_CLOSE_CODES, RELOAD_MESSAGE, backoffDelay, projectSocketUrl } from "../realtime/hub";
export type { SocketStatus } from "../realtime/hub";

export interface UseProjectSocketOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Listen to `/ws/projects/{slug}/` while mounted: every JSON message goes to `onMessage` (the
 * latest callback, so callers need not memoise it). All listeners of a tab share one socket,
 * which reconnects with backoff and catches up on what it missed (or sends `catch_up.reload`).
 * The server skips the tab's own changes, so a tab refreshes those itself.
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
    const hub = retainHub(slug, minDelayMs, maxDelayMs);
    setStatus(hub.status);
    const stopListening = hub.listen((message) => handler.current(message));
    const stopWatching = hub.watch(() => setStatus(hub.status));
    return () => {
      stopListening();
      stopWatching();
      releaseHub(hub);
    };
  }, [slug, minDelayMs, maxDelayMs]);

  return status;
}

function useHub(slug: string | null | undefined): ProjectHub | undefined {
  const subscribe = useCallback(
    (change: () => void) => {
      if (!slug) return () => undefined;
      const hub = retainHub(slug);
      const stop = hub.watch(change);
      change();
      return () => {
        stop();
        releaseHub(hub);
      };
    },
    [slug],
  );
  // The hub's presence map is replaced (never mutated) on change, so it is a stable snapshot.
  useSyncExternalStore(subscribe, () => (slug ? currentHub(slug)?.presence : undefined));
  return slug ? currentHub(slug) : undefined;
}

/** Everyone else present in the project, one entry per person. */
export function usePresence(slug: string | null | undefined): Person[] {
  const hub = useHub(slug);
  const presence = hub?.presence;
  const me = hub?.me ?? null;
  return useMemoPeople(presence, me);
}

function useMemoPeople(presence: ProjectHub["presence"] | undefined, me: string | null): Person[] {
  const cache = useRef<{ presence: unknown; me: string | null; list: Person[] }>({ presence: null, me: null, list: [] });
  if (cache.current.presence !== presence || cache.current.me !== me) {
    cache.current = { presence, me, list: presence ? people(presence, me) : [] };
  }
  return cache.current.list;
}

/**
 * Announce this tab's place (and soft lock) while mounted; `null` announces nothing. Changes are
 * sent at most four times a second. Typing or pointing keeps the presence from idling.
 */
export function useAnnounce(slug: string | null | undefined, where: Where | null, lock: string | null = null): void {
  const key = where ? JSON.stringify([where, lock]) : "";
  useEffect(() => {
    if (!slug || !where) return;
    const hub = retainHub(slug);
    hub.announce(where, lock);
    const touch = () => hub.touch();
    window.addEventListener("keydown", touch);
    window.addEventListener("pointerdown", touch);
    return () => {
      window.removeEventListener("keydown", touch);
      window.removeEventListener("pointerdown", touch);
      hub.withdrawSoon();
      releaseHub(hub);
    };
    // `key` stands for where and lock, which callers build afresh on every render.
  }, [slug, key]);
}
