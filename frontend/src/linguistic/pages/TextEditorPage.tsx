import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { SocketMessage } from "../../api";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { useProjectSocket } from "../../hooks/useProjectSocket";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import { isConflict, linguisticApi, utteranceBody, type Utterance } from "../api";
import { GlossingAids } from "../components/GlossingAids";
import { MachineToolbar } from "../../models/MachineToolbar";
import { useMachineSuggestions } from "../../models/useMachineSuggestions";
import { UtteranceEditor, cleanRow, type RowState } from "../components/UtteranceEditor";
import {
  cellKey,
  deleteWord,
  editableContent,
  insertWord,
  isDirty,
  mergeMorpheme,
  morphKey,
  setMorphField,
  setMorphForm,
  setTranscription,
  setTranslation,
  setWordField,
  splitMorpheme,
  tabFrom,
  tabOrder,
  wordKey,
  type MorphEdit,
} from "../igt";
import { abbreviationsFrom } from "../leipzig";
import { buildLexiconIndex, type LexiconIndex } from "../suggest";

type Rows = Record<string, RowState>;

/** Where the caret goes once the next render is on screen. */
interface PendingFocus {
  cell: string;
  caret: number;
}

const UTTERANCE_EVENTS = new Set(["linguistic.utterance.created", "linguistic.utterance.updated"]);

/** Insert `uid` into `order` before the first utterance with a higher `order`. */
function insertByOrder(order: string[], rows: Rows, uid: string, position: number): string[] {
  const rest = order.filter((other) => other !== uid);
  const at = rest.findIndex((other) => (rows[other]?.base.order ?? 0) > position);
  return at === -1 ? [...rest, uid] : [...rest.slice(0, at), uid, ...rest.slice(at)];
}

/**
 * The IGT editor of one text. Keyboard model: Tab / Shift-Tab walk the gloss cells word by word
 * and then the utterance's free translation, on into the next utterance; ArrowDown / Enter pick a
 * lexicon suggestion; otherwise Enter in a morpheme's form or gloss splits it at the caret and
 * Backspace in an empty one merges it back; Alt-Enter adds a word; Ctrl-S or Ctrl-Enter saves the
 * utterance holding the focus (or every unsaved one when the focus is elsewhere).
 *
 * Live: another user's save of a shown utterance replaces it when it holds no unsaved typing;
 * otherwise the row offers to review their version in the conflict panel.
 */
export function TextEditorPage() {
  const { slug = "", id = "" } = useParams();
  const [search] = useSearchParams();
  const target = search.get("u");
  const { project } = useProjectContext();
  const canEdit = hasRole(project.my_role, "annotator");

  const text = useLoad(() => linguisticApi.texts.get(slug, id), [slug, id]);
  const utterances = useLoad(() => linguisticApi.utterances.listAll(slug, id), [slug, id]);
  const lexicon = useLoad(() => linguisticApi.lexicon.listAll(slug), [slug]);
  // The server's Leipzig list when it has one; the built-in list otherwise.
  const leipzig = useLoad(() => linguisticApi.glossing.leipzig(slug).catch(() => null), [slug]);
  const abbreviations = useMemo(() => abbreviationsFrom(leipzig.data), [leipzig.data]);
  const index: LexiconIndex = useMemo(() => buildLexiconIndex(lexicon.data ?? []), [lexicon.data]);

  const machine = useMachineSuggestions(slug, id, canEdit);
  const [rows, setRows] = useState<Rows>({});
  const [order, setOrder] = useState<string[]>([]);
  const focused = useRef<string | null>(null);

  useEffect(() => {
    if (!utterances.data) return;
    const loaded = utterances.data;
    setRows((previous) => {
      const next: Rows = {};
      for (const u of loaded) {
        const old = previous[u.id];
        // A reload never overwrites typing that is not saved yet.
        if (!old || !isDirty(old.base, old.draft)) next[u.id] = cleanRow(u);
        else next[u.id] = u.version > old.base.version ? { ...old, remote: u } : old;
      }
      return next;
    });
    setOrder(loaded.map((u) => u.id));
  }, [utterances.data]);

  useEffect(() => {
    if (target && order.includes(target)) {
      document.getElementById(`u-${target}`)?.scrollIntoView({ block: "center" });
    }
  }, [target, order]);

  const update = useCallback((uid: string, change: (row: RowState) => RowState) => {
    setRows((previous) => (previous[uid] ? { ...previous, [uid]: change(previous[uid]) } : previous));
  }, []);

  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const pendingFocus = useRef<PendingFocus | null>(null);
  useLayoutEffect(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    pendingFocus.current = null;
    const key = pending.cell.replace(/["\\]/g, "\\$&");
    const element = document.querySelector<HTMLInputElement>(`[data-cell="${key}"]`);
    if (!element) return;
    element.focus();
    element.setSelectionRange(pending.caret, pending.caret);
  }, [rows]);

  /** Apply a split or merge to a row's draft and put the caret where it says. */
  const edit = useCallback(
    (uid: string, change: (draft: Utterance) => MorphEdit<Utterance> | null) =>
      update(uid, (r) => {
        const result = change(r.draft);
        if (!result) return r;
        const { word, morpheme, field, caret } = result.focus;
        pendingFocus.current = { cell: morphKey(uid, word, morpheme, field), caret };
        return { ...r, draft: result.utterance };
      }),
    [update],
  );

  /** A newer version from the server (live update): shown at once unless it would hide typing. */
  const receive = useCallback(
    (fresh: Utterance) => {
      if (fresh.text !== id) return;
      setRows((previous) => {
        const row = previous[fresh.id];
        if (!row) return { ...previous, [fresh.id]: cleanRow(fresh) };
        if (fresh.version <= row.base.version || (row.remote && fresh.version <= row.remote.version)) {
          return previous;
        }
        let next: RowState;
        if (row.conflict) next = { ...row, conflict: fresh };
        else if (row.saving || isDirty(row.base, row.draft)) next = { ...row, remote: fresh };
        else next = cleanRow(fresh);
        return { ...previous, [fresh.id]: next };
      });
      setOrder((previous) =>
        previous.includes(fresh.id)
          ? previous
          : insertByOrder(previous, { ...rowsRef.current, [fresh.id]: cleanRow(fresh) }, fresh.id, fresh.order),
      );
    },
    [id],
  );

  const reloadUtterances = utterances.reload;
  const reloadLexicon = lexicon.reload;
  const onMessage = useCallback(
    (message: SocketMessage) => {
      if (message.type === "linguistic.glossing.linked") reloadUtterances();
      if (
        message.type === "linguistic.glossing.replaced" &&
        Array.isArray(message.texts) &&
        message.texts.includes(id)
      )
        reloadUtterances();
      if (message.type === "linguistic.entries.created") reloadLexicon();
      if (!UTTERANCE_EVENTS.has(message.type) || typeof message.id !== "string") return;
      const row = rowsRef.current[message.id];
      // Events name their text; one for an utterance not shown here is for another text.
      if (!row && message.text !== id) return;
      if (row && typeof message.version === "number" && message.version <= row.base.version) return;
      linguisticApi.utterances.get(slug, message.id).then(receive, () => undefined);
    },
    [slug, id, receive, reloadUtterances, reloadLexicon],
  );
  useProjectSocket(slug, onMessage);

  const save = useCallback(
    async (uid: string, overwriteVersion?: number) => {
      const row = rowsRef.current[uid];
      if (!row || row.saving) return;
      const sent = row.draft;
      const version = overwriteVersion ?? row.base.version;
      update(uid, (r) => ({ ...r, saving: true, error: null }));
      try {
        const saved = await linguisticApi.utterances.save(slug, uid, version, utteranceBody(sent));
        update(uid, (r) => ({
          base: saved,
          // Keep what was typed while the request was in flight.
          draft: editableContent(r.draft) === editableContent(sent) ? saved : r.draft,
          saving: false,
          error: null,
          conflict: null,
          remote: r.remote && r.remote.version > saved.version ? r.remote : null,
        }));
      } catch (error) {
        if (isConflict<Utterance>(error)) {
          update(uid, (r) => ({ ...r, saving: false, error: null, conflict: error.current, remote: null }));
        } else {
          update(uid, (r) => ({ ...r, saving: false, error }));
        }
      }
    },
    [slug, update],
  );

  const saveFocusedOrAll = useCallback(() => {
    const within = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-utterance]");
    const uid = within?.dataset.utterance;
    if (uid) {
      const row = rowsRef.current[uid];
      if (row && !row.conflict) void save(uid);
      return;
    }
    for (const [key, row] of Object.entries(rowsRef.current)) {
      if (!row.conflict && isDirty(row.base, row.draft)) void save(key);
    }
  }, [save]);

  // Ctrl-S / Ctrl-Enter anywhere on the page: never the browser's "Save page".
  useEffect(() => {
    if (!canEdit) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && (event.key === "s" || event.key === "S" || event.key === "Enter")) {
        event.preventDefault();
        saveFocusedOrAll();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canEdit, saveFocusedOrAll]);

  // Warn before leaving with unsaved typing.
  const anyDirty = Object.values(rows).some((r) => isDirty(r.base, r.draft));
  useEffect(() => {
    if (!anyDirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [anyDirty]);

  const drafts = order.map((uid) => rows[uid]?.draft).filter((u): u is Utterance => !!u);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Tab" || event.ctrlKey || event.altKey || event.metaKey) return;
    const cell = (event.target as HTMLElement).dataset?.cell;
    if (!cell) return;
    const next = tabFrom(tabOrder(drafts), cell, event.shiftKey ? -1 : 1);
    if (!next) return; // leave the editor the browser's way
    const key = cellKey(next).replace(/["\\]/g, "\\$&");
    const element = document.querySelector<HTMLElement>(`[data-cell="${key}"]`);
    if (element) {
      event.preventDefault();
      element.focus();
      if (element instanceof HTMLInputElement) element.select();
    }
  };

  const firstTarget = target && order.includes(target) ? target : order[0];
  const unsaved = Object.values(rows).filter((r) => isDirty(r.base, r.draft)).length;

  return (
    <section className="ling-editor-page">
      <p className="breadcrumb">
        <Link to={`/projects/${slug}/texts`}>Texts</Link> /
      </p>
      <div className="ling-editor-head">
        <h2>{text.data?.title || "Untitled text"}</h2>
        {text.data?.lang && <span className="tag">{text.data.lang}</span>}
        <span className="muted" data-testid="unsaved-count">
          {unsaved > 0 ? `${unsaved} unsaved` : "All saved"}
        </span>
      </div>
      <p className="muted ling-keys">
        <kbd>Tab</kbd>/<kbd>Shift-Tab</kbd> next/previous gloss · <kbd>↓</kbd> <kbd>Enter</kbd> lexicon
        suggestion · <kbd>Enter</kbd> split morpheme at the caret · <kbd>Backspace</kbd> in an empty one
        merge it back · <kbd>Alt-Enter</kbd> add word · <kbd>Ctrl-S</kbd> or <kbd>Ctrl-Enter</kbd> save
        utterance
      </p>
      <GlossingAids
        slug={slug}
        textId={id}
        canEdit={canEdit}
        onLinked={reloadUtterances}
        onEntriesCreated={reloadLexicon}
      />
      {canEdit && (
        <MachineToolbar
          slug={slug}
          textId={id}
          onChanged={() => {
            reloadUtterances();
            machine.reload();
          }}
        />
      )}
      <ErrorBanner error={text.error ?? utterances.error} />
      {lexicon.error != null && <p className="muted">Lexicon suggestions are unavailable.</p>}
      {utterances.loading && !utterances.data && <p className="loading">Loading…</p>}
      {utterances.data && drafts.length === 0 && <p className="empty">This text has no utterances yet.</p>}
      <div className="ling-editor" onKeyDown={onKeyDown} data-testid="igt-editor">
        {drafts.map((draft) => {
          const uid = draft.id;
          const row = rows[uid];
          if (!row) return null;
          return (
            <UtteranceEditor
              key={uid}
              row={row}
              lexicon={index}
              abbreviations={abbreviations}
              canEdit={canEdit}
              autoFocusFirst={uid === firstTarget}
              highlight={uid === target}
              machine={machine}
              onFocusCell={(cell) => {
                focused.current = cell;
                const words = row.base.words ?? [];
                machine.touch(uid, row.base.version, (w) => (words[w]?.morphemes?.length ?? 0) > 0);
              }}
              onMorph={(w, m, field, value) =>
                update(uid, (r) => ({ ...r, draft: setMorphField(r.draft, w, m, field, value) }))
              }
              onMorphForm={(w, m, value) => update(uid, (r) => ({ ...r, draft: setMorphForm(r.draft, w, m, value) }))}
              onWord={(w, field, value) =>
                update(uid, (r) => ({ ...r, draft: setWordField(r.draft, w, field, value) }))
              }
              onAddWord={(at) =>
                update(uid, (r) => {
                  pendingFocus.current = { cell: wordKey(uid, at), caret: 0 };
                  return { ...r, draft: insertWord(r.draft, at) };
                })
              }
              onDeleteWord={(w) => update(uid, (r) => ({ ...r, draft: deleteWord(r.draft, w) }))}
              onSplit={(w, m, field, caret) => edit(uid, (d) => splitMorpheme(d, w, m, field, caret))}
              onMergeBack={(w, m, field) => edit(uid, (d) => mergeMorpheme(d, w, m, field))}
              onTranscription={(value) => update(uid, (r) => ({ ...r, draft: setTranscription(r.draft, value) }))}
              onPick={(w, m, s) =>
                update(uid, (r) => {
                  let d = setMorphField(r.draft, w, m, "gloss", s.gloss);
                  d = setMorphField(d, w, m, "lemma", s.entryId);
                  const morph = m === null ? null : d.words?.[w]?.morphemes?.[m];
                  if (morph && s.senseId) {
                    d = {
                      ...d,
                      words: d.words?.map((wd, wi) =>
                        wi !== w
                          ? wd
                          : {
                              ...wd,
                              morphemes: wd.morphemes?.map((mm, mi) => (mi === m ? { ...mm, sense: s.senseId } : mm)),
                            },
                      ),
                    };
                  }
                  const currentPos = m === null ? d.words?.[w]?.pos : d.words?.[w]?.morphemes?.[m]?.pos;
                  if (!currentPos && s.pos) d = setMorphField(d, w, m, "pos", s.pos);
                  return { ...r, draft: d };
                })
              }
              onTranslation={(lang, value) =>
                update(uid, (r) => ({ ...r, draft: setTranslation(r.draft, lang, value) }))
              }
              onSave={() => void save(uid)}
              onKeepMine={() => {
                const theirs = rowsRef.current[uid]?.conflict;
                if (theirs) void save(uid, theirs.version);
              }}
              onReview={() => update(uid, (r) => (r.remote ? { ...r, conflict: r.remote, remote: null } : r))}
              onTakeTheirs={() => update(uid, (r) => (r.conflict ? cleanRow(r.conflict) : r))}
              onMerge={(merged) =>
                update(uid, (r) => (r.conflict ? { ...r, base: r.conflict, draft: merged, conflict: null } : r))
              }
            />
          );
        })}
      </div>
    </section>
  );
}
