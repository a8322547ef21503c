/**
 * The IGT editor's rows (one per utterance: the server's version and the draft on screen) kept
 * outside React state: a keystroke replaces one row and re-renders only the component that
 * watches it, not the page with every other row, the virtualizer and the toolbars.
 */
import type { Utterance } from "../api";
import { editableContent, isDirty } from "../igt";

export interface RowState {
  /** The server's version this draft is based on. */
  base: Utterance;
  /** What is on screen; never replaced while it holds unsaved typing. */
  draft: Utterance;
  saving: boolean;
  error: unknown;
  /** The server's current document after a 409, or once the user reviews `remote`. */
  conflict: Utterance | null;
  /** A newer version someone else saved while this row had unsaved typing (live update). */
  remote: Utterance | null;
}

/** A row fresh from the server. */
export function cleanRow(utterance: Utterance): RowState {
  return { base: utterance, draft: utterance, saving: false, error: null, conflict: null, remote: null };
}

/**
 * The row once the server answered a save of `sent` with `saved`. Others' saves may have come
 * in meanwhile: the server merged them into `saved`, and their events may have arrived before
 * the answer (`row.remote`, newer than `saved`). Without typing since the request, the newest
 * of those is shown. Typing since then stays in the draft, and its base stays a version that
 * draft was built on: `saved` when it is what was sent, otherwise (others' changes merged in,
 * which the draft lacks) the version the request was made against, so that saving the draft
 * again is merged on the server instead of writing over those changes.
 */
export function settleSave(row: RowState, sent: Utterance, saved: Utterance): RowState {
  const remote = row.remote && row.remote.version > saved.version ? row.remote : null;
  if (editableContent(row.draft) === editableContent(sent)) return cleanRow(remote ?? saved);
  const settled = { ...row, saving: false, error: null, conflict: null };
  if (editableContent(saved) === editableContent(sent)) return { ...settled, base: saved, remote };
  return { ...settled, remote: remote ?? saved };
}

/**
 * The row once a (re)load of the text brought `loaded`: a clean row shows it, unless the row
 * already has a newer version (a load asked for before a save or an event answered after it)
 * or is being saved (the save's answer settles it); typing and a conflict stay, with `loaded`
 * offered as the newer version when it is one. Null: keep the row as it is.
 */
export function rowAfterLoad(row: RowState | undefined, loaded: Utterance): RowState | null {
  if (!row) return cleanRow(loaded);
  if (row.base === loaded || loaded.version < row.base.version) return null;
  const newer = loaded.version > row.base.version;
  if (row.saving || row.conflict || isDirty(row.base, row.draft)) {
    return newer && !(row.remote && row.remote.version >= loaded.version) ? { ...row, remote: loaded } : null;
  }
  return cleanRow(loaded);
}

export class RowStore {
  private rows = new Map<string, RowState>();
  private dirty = new Set<string>();
  private rowWatchers = new Map<string, Set<() => void>>();
  private countWatchers = new Set<() => void>();

  get(uid: string): RowState | undefined {
    return this.rows.get(uid);
  }

  has(uid: string): boolean {
    return this.rows.has(uid);
  }

  entries(): IterableIterator<[string, RowState]> {
    return this.rows.entries();
  }

  /** How many rows hold typing that is not saved. */
  get unsaved(): number {
    return this.dirty.size;
  }

  /** Put `row` in place of uid's (or remove it with `undefined`); its watchers are told. */
  set(uid: string, row: RowState | undefined): void {
    const before = this.rows.get(uid);
    if (before === row) return;
    if (row) this.rows.set(uid, row);
    else this.rows.delete(uid);
    const count = this.dirty.size;
    if (row && isDirty(row.base, row.draft)) this.dirty.add(uid);
    else this.dirty.delete(uid);
    this.rowWatchers.get(uid)?.forEach((watcher) => watcher());
    if (this.dirty.size !== count) this.countWatchers.forEach((watcher) => watcher());
  }

  /** Change uid's row, if there is one. */
  update(uid: string, change: (row: RowState) => RowState): void {
    const row = this.rows.get(uid);
    if (row) this.set(uid, change(row));
  }

  /** Keep only the uids in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const uid of [...this.rows.keys()]) if (!keep.has(uid)) this.set(uid, undefined);
  }

  watchRow(uid: string, watcher: () => void): () => void {
    let watchers = this.rowWatchers.get(uid);
    if (!watchers) this.rowWatchers.set(uid, (watchers = new Set()));
    watchers.add(watcher);
    return () => {
      watchers.delete(watcher);
      if (watchers.size === 0) this.rowWatchers.delete(uid);
    };
  }

  /** Told when the number of unsaved rows changes. */
  watchUnsaved(watcher: () => void): () => void {
    this.countWatchers.add(watcher);
    return () => this.countWatchers.delete(watcher);
  }
}
