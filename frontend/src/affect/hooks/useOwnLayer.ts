import { useCallback, useRef, useState } from "react";
import { ApiError, api } from "../../api";
import {
  affectApi,
  type AuEvent,
  type Layer,
  type LayerDetail,
  type LayerWrite,
  type Segment,
  type Trace,
} from "../api";
import { sortSegments } from "../timeline";

export interface Draft {
  segments: Segment[];
  events: AuEvent[];
  traces: Record<string, Trace>;
  /** Bumped on every edit; the draft is clean when it equals `savedRevision`. */
  revision: number;
  /** Bumped on every trace edit: traces are sent only when they changed. */
  tracesRevision: number;
}

export type SaveState = "clean" | "dirty" | "saving";

export interface OwnLayer {
  /** The coder layer of the signed-in user; null until the first save creates it. */
  layer: Layer | null;
  draft: Draft;
  dirty: boolean;
  saving: boolean;
  /** The server's layer when a save found a newer version (409); null otherwise. */
  conflict: LayerDetail | null;
  error: unknown;
  clearError: () => void;
  /** Apply an edit to the draft (segments, traces), marking it unsaved. */
  edit: (change: (draft: Draft) => Partial<Draft>, options?: { traces?: boolean }) => void;
  save: () => Promise<void>;
  reloadTheirs: () => void;
  overwriteWithMine: () => Promise<void>;
  /** Take the server's copy of the layer as the clean draft (after the server changed it, as
   * accepting a machine suggestion does); only call it while the draft is clean. */
  adopt: (layer: LayerDetail) => void;
}

const EMPTY: Draft = { segments: [], events: [], traces: {}, revision: 0, tracesRevision: 0 };

function draftOf(layer: LayerDetail): Draft {
  return {
    segments: sortSegments(layer.segments),
    events: layer.events,
    traces: layer.traces ?? {},
    revision: 0,
    tracesRevision: 0,
  };
}

/**
 * Load, edit and save the user's own coder layer of a video with optimistic concurrency:
 * every PUT names the version it was based on; a 409 keeps the draft and exposes the
 * server's layer so the user picks "reload theirs" or "overwrite with mine".
 * `initial` is read on mount only: remount (a `key`) to edit another layer.
 */
export function useOwnLayer(
  slug: string,
  videoId: string,
  initial: LayerDetail | null,
  onSaved?: (layer: Layer) => void,
): OwnLayer {
  const [layer, setLayer] = useState<Layer | null>(initial);
  const [draft, setDraft] = useState<Draft>(initial ? draftOf(initial) : EMPTY);
  const [savedRevision, setSavedRevision] = useState(0);
  const [savedTracesRevision, setSavedTracesRevision] = useState(0);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<LayerDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Handlers (Ctrl+S, the recording loop) read the latest values without re-subscribing.
  const latest = useRef({ layer, draft, savedTracesRevision, saving });
  latest.current = { layer, draft, savedTracesRevision, saving };

  const edit = useCallback(
    (change: (draft: Draft) => Partial<Draft>, options: { traces?: boolean } = {}) => {
      setDraft((previous) => {
        const next = { ...previous, ...change(previous), revision: previous.revision + 1 };
        if (options.traces) next.tracesRevision = previous.tracesRevision + 1;
        return next;
      });
    },
    [],
  );

  const write = useCallback(
    async (baseVersion: number | null, forceTraces = false) => {
      const { layer: current, draft: sent, savedTracesRevision: tracesSaved } = latest.current;
      if (latest.current.saving) return;
      setSaving(true);
      setError(null);
      const body: LayerWrite = { segments: sortSegments(sent.segments), events: sent.events };
      const withTraces = forceTraces || sent.tracesRevision !== tracesSaved || current === null;
      if (withTraces) body.traces = sent.traces;
      try {
        const saved =
          current === null
            ? await affectApi.layers.create(slug, videoId, body)
            : await affectApi.layers.update(
                slug,
                videoId,
                current.id,
                baseVersion ?? current.version,
                body,
              );
        setLayer(saved);
        setSavedRevision(sent.revision);
        if (withTraces) setSavedTracesRevision(sent.tracesRevision);
        setConflict(null);
        onSaved?.(saved);
      } catch (reason) {
        if (reason instanceof ApiError && reason.status === 409) {
          // version_conflict (PUT) or layer_exists (POST from a second tab): fetch theirs whole,
          // traces included, so "reload theirs" loses nothing of theirs either.
          try {
            const theirs =
              current !== null
                ? await affectApi.layers.get(slug, videoId, current.id)
                : await findOwn(slug, videoId, reason);
            if (theirs) {
              setLayer(theirs);
              setConflict(theirs);
            } else setError(reason);
          } catch (inner) {
            setError(inner);
          }
        } else setError(reason);
      } finally {
        setSaving(false);
      }
    },
    [slug, videoId, onSaved],
  );

  const save = useCallback(() => write(null), [write]);

  const overwriteWithMine = useCallback(async () => {
    const theirs = conflict;
    if (!theirs) return;
    // Send everything, traces included: theirs may hold traces that mine replace.
    await write(theirs.version, true);
  }, [conflict, write]);

  const adopt = useCallback((server: LayerDetail) => {
    setLayer(server);
    setDraft(draftOf(server));
    setSavedRevision(0);
    setSavedTracesRevision(0);
    setConflict(null);
  }, []);

  const reloadTheirs = useCallback(() => {
    if (conflict) adopt(conflict);
  }, [conflict, adopt]);

  return {
    layer,
    draft,
    dirty: draft.revision !== savedRevision,
    saving,
    conflict,
    error,
    clearError: () => setError(null),
    edit,
    save,
    reloadTheirs,
    overwriteWithMine,
    adopt,
  };
}

async function findOwn(slug: string, videoId: string, reason: ApiError): Promise<LayerDetail | null> {
  if (reason.code !== "layer_exists") return null;
  const layers = await affectApi.layers.list(slug, videoId);
  // The server answered about the caller's own coder layer; the list has it among others.
  const me = await api.auth.me();
  const own = layers.find((l) => l.kind === "coder" && l.annotator === me.username);
  return own ? affectApi.layers.get(slug, videoId, own.id) : null;
}
