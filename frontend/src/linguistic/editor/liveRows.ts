import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from "react";
import type { SocketMessage } from "../../api";
import { RELOAD_MESSAGE, useProjectSocket } from "../../hooks/useProjectSocket";
import { linguisticApi, type Utterance } from "../api";
import { isDirty } from "../igt";
import { RowStore, cleanRow, rowAfterLoad } from "./rowStore";

const UTTERANCE_EVENTS = new Set(["linguistic.utterance.created", "linguistic.utterance.updated"]);
/** Events after which the text's sequence is reloaded (orders moved, an utterance gone). */
const SEQUENCE_EVENTS = new Set(["linguistic.utterances.reordered", "linguistic.utterance.deleted"]);

/** Insert `uid` into `order` before the first utterance with a higher `order`. */
function insertByOrder(order: string[], rows: RowStore, uid: string, position: number): string[] {
  const rest = order.filter((other) => other !== uid);
  const at = rest.findIndex((other) => (rows.get(other)?.base.order ?? 0) > position);
  return at === -1 ? [...rest, uid] : [...rest.slice(0, at), uid, ...rest.slice(at)];
}

interface LiveRowsOptions {
  slug: string;
  textId: string;
  /** The text's utterances as loaded (and reloaded), in order. */
  loaded: Utterance[] | null | undefined;
  reloadUtterances: () => void;
  reloadLexicon: () => void;
  reloadMachine: () => void;
}

export interface LiveRows {
  store: RowStore;
  /** The utterances' ids in text order. */
  order: string[];
  setOrder: Dispatch<SetStateAction<string[]>>;
}

/**
 * The editor's rows, kept current: loaded and reloaded without losing unsaved typing, and
 * updated live from the project socket (another user's save, bulk edits, new suggestions).
 */
export function useLiveRows(options: LiveRowsOptions): LiveRows {
  const { slug, textId: id, loaded, reloadUtterances, reloadLexicon, reloadMachine } = options;
  // The rows live outside React state (see rowStore): a keystroke re-renders its row alone.
  const [store] = useState(() => new RowStore());
  const [order, setOrder] = useState<string[]>([]);

  useEffect(() => {
    if (!loaded) return;
    store.retain(new Set(loaded.map((u) => u.id)));
    for (const u of loaded) {
      // A reload never overwrites typing that is not saved yet, a save in flight, or a newer
      // version the row already has.
      const next = rowAfterLoad(store.get(u.id), u);
      if (next) store.set(u.id, next);
    }
    setOrder(loaded.map((u) => u.id));
  }, [loaded, store]);

  /** A newer version from the server (live update): shown at once unless it would hide typing. */
  const receive = useCallback(
    (fresh: Utterance) => {
      if (fresh.text !== id) return;
      const row = store.get(fresh.id);
      if (!row) store.set(fresh.id, cleanRow(fresh));
      else if (fresh.version > row.base.version && !(row.remote && fresh.version <= row.remote.version)) {
        if (row.conflict) store.set(fresh.id, { ...row, conflict: fresh });
        else if (row.saving || isDirty(row.base, row.draft)) store.set(fresh.id, { ...row, remote: fresh });
        else store.set(fresh.id, cleanRow(fresh));
      }
      setOrder((previous) =>
        previous.includes(fresh.id) ? previous : insertByOrder(previous, store, fresh.id, fresh.order),
      );
    },
    [id, store],
  );

  const onMessage = useCallback(
    (message: SocketMessage) => {
      if (message.type === RELOAD_MESSAGE) reloadUtterances();
      const linked = message.type === "linguistic.glossing.linked";
      if (linked || message.type === "linguistic.glossing.replaced") {
        // Bulk edits carry the utterances they wrote (up to a limit), as the REST API serves them.
        if (Array.isArray(message.documents)) {
          for (const doc of message.documents as { text?: string; data?: Utterance }[])
            if (doc.text === id && doc.data) receive(doc.data);
        } else if (linked || (Array.isArray(message.texts) && message.texts.includes(id))) {
          reloadUtterances();
        }
      }
      if (message.type === "linguistic.entries.created") reloadLexicon();
      const forThisText = message.text === id || message.text == null;
      const editorTask = message.task === "gloss" || message.task === "segment";
      if (message.type === "ml.suggestions.created" && editorTask && forThisText) reloadMachine();
      // A gloss or segment model activated (or rolled back to): suggestions may be asked for now.
      if (message.type === "ml.version.activated" && editorTask) reloadMachine();
      if (SEQUENCE_EVENTS.has(message.type) && message.text === id) reloadUtterances();
      if (!UTTERANCE_EVENTS.has(message.type) || typeof message.id !== "string") return;
      const row = store.get(message.id);
      // Events name their text; one for an utterance not shown here is for another text.
      if (!row && message.text !== id) return;
      if (row && typeof message.version === "number" && message.version <= row.base.version) return;
      // Events carry the utterance as the REST API serves it; fetch only if one does not.
      const data = message.data as Utterance | undefined;
      if (data && data.id === message.id && data.version === message.version) receive(data);
      else linguisticApi.utterances.get(slug, message.id).then(receive, () => undefined);
    },
    [slug, id, store, receive, reloadUtterances, reloadLexicon, reloadMachine],
  );
  useProjectSocket(slug, onMessage);

  return { store, order, setOrder };
}
