/** Who is where in a project, from the socket's `presence` / `presence.left` messages. */

export interface Where {
  page?: string;
  text?: string;
  utterance?: string;
  word?: string;
  morpheme?: string;
  video?: string;
  layer?: string;
  segment?: string;
  entry?: string;
  time?: number;
}

/** One tab's presence as the server sends it. */
export interface TabPresence {
  user: string;
  tab: string;
  where: Where;
  lock: string | null;
  /** When this tab last told us (ms), to pick a person's most recent place. */
  at: number;
}

/** One person, however many tabs they have open. */
export interface Person {
  user: string;
  where: Where;
  locks: string[];
  tabs: number;
}

export type PresenceMap = ReadonlyMap<string, TabPresence>;

export function applyPresence(map: PresenceMap, message: Record<string, unknown>, now: number): PresenceMap {
  const tab = typeof message.tab === "string" ? message.tab : null;
  const user = typeof message.user === "string" ? message.user : null;
  if (!tab || !user) return map;
  const next = new Map(map);
  if (message.type === "presence.left") {
    next.delete(tab);
    return next;
  }
  if (message.type !== "presence") return map;
  const where = message.where && typeof message.where === "object" ? (message.where as Where) : {};
  const lock = typeof message.lock === "string" ? message.lock : null;
  next.set(tab, { user, tab, where, lock, at: now });
  return next;
}

/** One entry per person (never me), their most recent place first-class, every lock kept. */
export function people(map: PresenceMap, me: string | null): Person[] {
  const byUser = new Map<string, { latest: TabPresence; locks: string[]; tabs: number }>();
  for (const presence of map.values()) {
    if (presence.user === me) continue;
    const seen = byUser.get(presence.user);
    const locks = presence.lock ? [presence.lock] : [];
    if (!seen) byUser.set(presence.user, { latest: presence, locks, tabs: 1 });
    else {
      seen.locks.push(...locks);
      seen.tabs += 1;
      if (presence.at >= seen.latest.at) seen.latest = presence;
    }
  }
  return [...byUser.entries()]
    .map(([user, { latest, locks, tabs }]) => ({ user, where: latest.where, locks, tabs }))
    .sort((a, b) => a.user.localeCompare(b.user));
}

/** Up to two letters for an avatar: "ana" → "AN", "ana.lopez" → "AL". */
export function initials(user: string): string {
  const parts = user.split(/[\s._-]+/).filter(Boolean);
  if (parts.length >= 2) return `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}`.toUpperCase();
  return user.slice(0, 2).toUpperCase();
}

/** Who holds a soft lock on `element` (another person's, never mine). */
export function lockHolder(list: Person[], element: string): string | null {
  return list.find((person) => person.locks.includes(element))?.user ?? null;
}

/** A person's place in words, for tooltips: "editing", "on a text", "on a video at 12.3 s". */
export function describeWhere(person: Person): string {
  const { where } = person;
  const editing = person.locks.length > 0 ? ", editing" : "";
  if (where.utterance || where.text) return `on a text${editing}`;
  if (where.video) {
    const at = typeof where.time === "number" ? ` at ${where.time.toFixed(1)} s` : "";
    return `on a video${at}${editing}`;
  }
  if (where.entry) return `on a lexicon entry${editing}`;
  return where.page ? `on ${where.page}` : "in the project";
}
