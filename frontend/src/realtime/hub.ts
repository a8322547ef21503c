import type { SocketMessage } from "../api";
import { applyPresence, type PresenceMap, type Where } from "./presence";
import { TAB_ID } from "./tab";

export type SocketStatus = "connecting" | "open" | "closed" | "refused";

/** Close codes the server uses for 401/403/404: retrying cannot help, so we stop. */
export const REFUSED_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 4404]);

/** Sent to listeners when a reconnect missed more than the server keeps: reload what is shown. */
export const RELOAD_MESSAGE = "catch_up.reload";

// Presence is sent at most this often (the last position wins), and re-sent while the person is
// active so the server does not take it for idle.
const ANNOUNCE_EVERY_MS = 250;
const HEARTBEAT_MS = 30_000;
/** A number still missing this long after a later one arrived is an event lost: ask for it. */
export const GAP_MS = 1500;

export function projectSocketUrl(slug: string, location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/projects/${encodeURIComponent(slug)}/?tab=${TAB_ID}`;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with a little jitter. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  const base = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

interface Announcement {
  where: Where;
  lock: string | null;
}

/**
 * One socket per project and tab, shared by every component that listens (the project header,
 * the editor, lists). It numbers what it has seen (`seq`; of its own changes the server sends
 * the number alone), asks for what it missed after a reconnect or when a number stays missing,
 * keeps who is where, and sends this tab's own presence.
 */
export class ProjectHub {
  status: SocketStatus = "connecting";
  presence: PresenceMap = new Map();
  me: string | null = null;
  role: string | null = null;
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;
  private lastSeq: number | null = null;
  /** Every number up to this one has been seen (or was before this tab's first hello). */
  private contiguous: number | null = null;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private seen = new Set<number>();
  private listeners = new Set<(message: SocketMessage) => void>();
  private watchers = new Set<() => void>();
  private announcement: Announcement | null = null;
  private sent = "";
  private sentAt = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private activeAt = 0;
  users = 0;

  constructor(
    readonly slug: string,
    readonly minDelayMs: number,
    readonly maxDelayMs: number,
  ) {
    this.connect();
  }

  listen(listener: (message: SocketMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called on any change of status, presence or role. */
  watch(watcher: () => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Tell others where this tab is (and which element it is editing, if any). */
  announce(where: Where, lock: string | null = null): void {
    this.announcement = { where, lock };
    this.activeAt = Date.now();
    this.flush();
  }

  /** Leave the announced place unless another is announced right after (a page change). */
  withdrawSoon(): void {
    const left = this.announcement;
    setTimeout(() => {
      if (this.announcement === left && left) this.announce({}, null);
    }, 100);
  }

  /** Mark the person as active (typing, pointing), which keeps their presence alive. */
  touch(): void {
    this.activeAt = Date.now();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.pending);
    clearTimeout(this.gapTimer);
    clearInterval(this.heartbeat);
    this.socket?.close();
  }

  private notify(): void {
    this.watchers.forEach((watcher) => watcher());
  }

  private setStatus(status: SocketStatus): void {
    this.status = status;
    this.notify();
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket && this.status === "open" && !this.stopped) this.socket.send(JSON.stringify(message));
  }

  private flush(force = false): void {
    clearTimeout(this.pending);
    const a = this.announcement;
    if (!a || this.status !== "open" || this.stopped) return;
    const body = JSON.stringify({ type: "presence", where: a.where, lock: a.lock });
    if (body === this.sent && !force) return;
    const wait = this.sentAt + ANNOUNCE_EVERY_MS - Date.now();
    if (wait > 0 && !force) {
      this.pending = setTimeout(() => this.flush(), wait);
      return;
    }
    this.socket?.send(body);
    this.sent = body;
    this.sentAt = Date.now();
  }

  private connect(): void {
    this.setStatus("connecting");
    const socket = new WebSocket(projectSocketUrl(this.slug));
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus("open");
    };
    socket.onmessage = (event: MessageEvent) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (message && typeof message === "object" && "type" in message) this.receive(message as SocketMessage);
    };
    socket.onclose = (event: CloseEvent) => {
      this.socket = null;
      clearInterval(this.heartbeat);
      this.presence = new Map();
      this.sent = "";
      if (this.stopped) return;
      if (REFUSED_CLOSE_CODES.has(event.code)) {
        this.setStatus("refused");
        return;
      }
      this.setStatus("closed");
      this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.minDelayMs, this.maxDelayMs));
    };
  }

  private receive(message: SocketMessage): void {
    switch (message.type) {
      case "hello":
        this.onHello(message);
        return;
      case "catch_up":
        this.onCatchUp(message);
        return;
      case "seen":
        if (typeof message.seq === "number") this.mark(message.seq);
        return;
      case "presence":
      case "presence.left":
        this.presence = applyPresence(this.presence, message, Date.now());
        this.notify();
        this.dispatch(message);
        return;
      case "role":
        this.role = typeof message.role === "string" ? message.role : null;
        this.notify();
        this.dispatch(message);
        return;
      default:
        this.deliver(message);
    }
  }

  private onHello(message: SocketMessage): void {
    this.me = typeof message.user === "string" ? message.user : null;
    this.role = typeof message.role === "string" ? message.role : null;
    const latest = typeof message.seq === "number" ? message.seq : 0;
    if (this.lastSeq === null) {
      this.lastSeq = latest;
      this.contiguous = latest;
    } else if (latest !== this.contiguous) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
      this.send({ type: "since", seq: this.contiguous ?? this.lastSeq });
    }
    this.flush(true);
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.activeAt < HEARTBEAT_MS) this.flush(true);
    }, HEARTBEAT_MS);
    this.notify();
    this.dispatch(message);
  }

  private onCatchUp(message: SocketMessage): void {
    const latest = typeof message.latest === "number" ? message.latest : this.lastSeq ?? 0;
    if (message.reload === true) {
      this.lastSeq = latest;
      this.contiguous = latest;
      this.seen.clear();
      this.dispatch({ type: RELOAD_MESSAGE, latest });
      return;
    }
    const events = Array.isArray(message.events) ? (message.events as SocketMessage[]) : [];
    events.forEach((event) => this.deliver(event));
    // What the answer left out up to `latest` is this tab's own or was never there to have.
    this.lastSeq = Math.max(this.lastSeq ?? 0, latest);
    const since = typeof message.since === "number" ? message.since : null;
    if (since !== null && since <= (this.contiguous ?? since)) {
      this.contiguous = Math.max(this.contiguous ?? 0, latest);
    }
    this.advance();
  }

  /** A change event: delivered once, whether it came live or in a catch-up. */
  private deliver(message: SocketMessage): void {
    const seq = message.seq;
    if (typeof seq === "number") {
      if (this.seen.has(seq)) return;
      this.mark(seq);
    }
    this.dispatch(message);
  }

  /** Note number `seq` as had; a gap that it leaves below it is asked for after GAP_MS. */
  private mark(seq: number): void {
    this.seen.add(seq);
    if (this.seen.size > 5000) this.seen = new Set([...this.seen].slice(-2500));
    this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
    this.advance();
  }

  private advance(): void {
    if (this.contiguous === null) return;
    while (this.seen.has(this.contiguous + 1)) this.contiguous += 1;
    if ((this.lastSeq ?? 0) <= this.contiguous) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else if (this.gapTimer === undefined) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        if (this.contiguous !== null && (this.lastSeq ?? 0) > this.contiguous) {
          this.send({ type: "since", seq: this.contiguous });
        }
      }, GAP_MS);
    }
  }

  private dispatch(message: SocketMessage): void {
    this.listeners.forEach((listener) => listener(message));
  }
}

const hubs = new Map<string, ProjectHub>();

/** The tab's hub of `slug`, created on first use; `release` it when done. */
export function retainHub(slug: string, minDelayMs = 1000, maxDelayMs = 30000): ProjectHub {
  let hub = hubs.get(slug);
  if (!hub) {
    hub = new ProjectHub(slug, minDelayMs, maxDelayMs);
    hubs.set(slug, hub);
  }
  hub.users += 1;
  return hub;
}

export function releaseHub(hub: ProjectHub): void {
  hub.users -= 1;
  if (hub.users > 0) return;
  hub.stop();
  if (hubs.get(hub.slug) === hub) hubs.delete(hub.slug);
}

export function currentHub(slug: string): ProjectHub | undefined {
  return hubs.get(slug);
}
