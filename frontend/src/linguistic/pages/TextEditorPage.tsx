import { useWindowVirtualizer } from "@tanstack/react-virtual";
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type FocusEvent,
  type KeyboardEvent,
} from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorBanner, errorMessage } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { useAnnounce, usePresence } from "../../hooks/useProjectSocket";
import type { Person, Where } from "../../realtime/presence";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import { isConflict, linguisticApi, utteranceBody, type Utterance } from "../api";
import { EditorAids } from "../components/EditorAids";
import { EditorHead } from "../components/EditorHead";
import { useMachineSuggestions } from "../../models/useMachineSuggestions";
import { RowSlot } from "../editor/RowSlot";
import type { PendingFocus } from "../editor/pendingFocus";
import { useRowHandlers } from "../editor/rowHandlers";
import { useLiveRows } from "../editor/liveRows";
import { cleanRow, settleSave, type RowState } from "../editor/rowStore";
import type { StructureOp } from "../components/UtteranceActions";
import {
  cellKey,
  isDirty,
  morphKey,
  tabFrom,
  tabOrder,
  translationLang,
  type MorphEdit,
} from "../igt";
import { atEdge, entryControl, keepTabStop, neighbour, type Direction } from "../gridNav";
import { abbreviationsFrom } from "../leipzig";
import { buildLexiconIndex, type LexiconIndex } from "../suggest";

const ARROWS: Record<string, Direction> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };

/** The people on an utterance nobody else is on (one array, so rows stay memoised). */
const NOBODY: Person[] = [];
/** First guess of a row's height (px) before it is measured. */
const ESTIMATED_ROW_PX = 190;
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN_ROWS = 3;

const estimateSize = () => ESTIMATED_ROW_PX;
/** A row's height; without layout (jsdom) a row measures 0: keep the estimate, not stack rows. */
const measureElement = (element: Element) => element.getBoundingClientRect().height || ESTIMATED_ROW_PX;

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
  const utterances = useLoad<Utterance[]>((first) => linguisticApi.utterances.listProgressive(slug, id, first), [slug, id]);
  const lexicon = useLoad(() => linguisticApi.lexicon.listAll(slug), [slug]);
  // The server's Leipzig list when it has one; the built-in list otherwise.
  const leipzig = useLoad(() => linguisticApi.glossing.leipzig(slug).catch(() => null), [slug]);
  const abbreviations = useMemo(() => abbreviationsFrom(leipzig.data), [leipzig.data]);
  const index: LexiconIndex = useMemo(() => buildLexiconIndex(lexicon.data ?? []), [lexicon.data]);

  const machine = useMachineSuggestions(slug, id, canEdit);
  const reloadUtterances = utterances.reload;
  const reloadLexicon = lexicon.reload;
  const reloadMachine = machine.reload;
  const { store, order, setOrder } = useLiveRows({
    slug,
    textId: id,
    loaded: utterances.data,
    reloadUtterances,
    reloadLexicon,
    reloadMachine,
  });
  const focused = useRef<string | null>(null);
  const update = useCallback((uid: string, change: (row: RowState) => RowState) => store.update(uid, change), [store]);

  const orderRef = useRef(order);
  orderRef.current = order;
  /** An utterance's number as shown: its place in the text (1-based). */
  const numberOf = useCallback((uid: string) => orderRef.current.indexOf(uid) + 1, []);

  const pendingFocus = useRef<PendingFocus | null>(null);

  /** Apply a split or merge to a row's draft and put the caret where it says. */
  const edit = useCallback(
    (uid: string, change: (draft: Utterance) => MorphEdit<Utterance> | null) =>
      update(uid, (r) => {
        const result = change(r.draft);
        if (!result) return r;
        const { word, morpheme, field, caret } = result.focus;
        pendingFocus.current = { cell: morphKey(uid, word, morpheme, field), caret, utterance: uid };
        return { ...r, draft: result.utterance };
      }),
    [update],
  );

  // Presence: where the caret is (utterance, word and morpheme), and a soft lock on that cell
  // while one may edit, shown to the others as taken. Saves still go through version checks.
  const [focusCell, setFocusCell] = useState<string | null>(null);
  const onFocusCell = useCallback((cell: string) => {
    focused.current = cell;
    setFocusCell(cell);
  }, []);
  const where = useMemo<Where>(() => {
    const place: Where = { page: "text", text: id };
    if (!focusCell) return place;
    const [utterance, word, morpheme] = focusCell.split(":");
    if (utterance) place.utterance = utterance;
    if (word?.startsWith("w")) place.word = word.slice(1);
    if (morpheme?.startsWith("m")) place.morpheme = `${word?.slice(1)}.${morpheme.slice(1)}`;
    return place;
  }, [id, focusCell]);
  useAnnounce(slug, where, canEdit && focusCell ? focusCell : null);
  const present = usePresence(slug);
  const here = useMemo(() => present.filter((person) => person.where.text === id), [present, id]);
  const lockedCells = here.flatMap((person) => person.locks);
  // One array per utterance until presence changes, so the memoised rows do not re-render.
  const presentOn = useMemo(() => {
    const on = new Map<string, Person[]>();
    for (const person of here) {
      const uid = person.where.utterance;
      if (uid) on.set(uid, [...(on.get(uid) ?? []), person]);
    }
    return on;
  }, [here]);

  // What a screen reader hears about saves (polite) and failed ones (assertive).
  const [said, setSaid] = useState<{ status: string; alert: string }>({ status: "", alert: "" });
  const save = useCallback(
    async (uid: string, overwriteVersion?: number) => {
      const row = store.get(uid);
      if (!row || row.saving) return;
      const sent = row.draft;
      const number = numberOf(uid);
      const version = overwriteVersion ?? row.base.version;
      update(uid, (r) => ({ ...r, saving: true, error: null }));
      try {
        const saved = await linguisticApi.utterances.save(slug, uid, version, utteranceBody(sent));
        update(uid, (r) => settleSave(r, sent, saved));
        setSaid({ status: `Utterance ${number} saved (version ${saved.version}).`, alert: "" });
      } catch (error) {
        if (isConflict<Utterance>(error)) {
          update(uid, (r) => ({ ...r, saving: false, error: null, conflict: error.current, remote: null }));
          setSaid({
            status: "",
            alert: `Utterance ${number} was not saved: someone else saved it meanwhile. Compare the versions below it.`,
          });
        } else {
          update(uid, (r) => ({ ...r, saving: false, error }));
          const why = errorMessage(error);
          setSaid({ status: "", alert: `Utterance ${number} was not saved: ${why}` });
        }
      }
    },
    [slug, update, numberOf],
  );

  const saveFocusedOrAll = useCallback(() => {
    const within = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-utterance]");
    const uid = within?.dataset.utterance;
    if (uid) {
      const row = store.get(uid);
      if (row && !row.conflict) void save(uid);
      return;
    }
    for (const [key, row] of store.entries()) {
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
  const unsaved = useSyncExternalStore(
    useCallback((change: () => void) => store.watchUnsaved(change), [store]),
    () => store.unsaved,
  );
  const anyDirty = unsaved > 0;
  useEffect(() => {
    if (!anyDirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [anyDirty]);

  /** The drafts in text order, as they are now (read when needed, not on every keystroke). */
  const currentDrafts = useCallback(
    () => orderRef.current.map((uid) => store.get(uid)?.draft).filter((u): u is Utterance => !!u),
    [store],
  );
  const indexOf = useMemo(() => new Map(order.map((uid, i) => [uid, i])), [order]);

  // Only the rows on screen (and a few beyond) are in the DOM; the page itself scrolls.
  const listRef = useRef<HTMLDivElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const top = list.getBoundingClientRect().top + window.scrollY;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });
  // A new getItemKey would make the virtualizer measure every utterance again on each render.
  const getItemKey = useCallback((index: number) => order[index] ?? index, [order]);
  const virtualizer = useWindowVirtualizer({
    count: order.length,
    estimateSize,
    overscan: OVERSCAN_ROWS,
    scrollMargin,
    getItemKey,
    measureElement,
    // React 19 warns when a measurement flushes synchronously inside a render.
    useFlushSync: false,
  });

  /** Focus what `pendingFocus` names once it is rendered, scrolling its row into view first. */
  const applyPendingFocus = useCallback(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    let element: HTMLElement | null;
    const article = document.getElementById(`u-${pending.utterance}`);
    if ("cell" in pending) {
      const key = pending.cell.replace(/["\\]/g, "\\$&");
      element = document.querySelector<HTMLElement>(`[data-cell="${key}"]`);
    } else if ("edge" in pending) element = article ? entryControl(article, pending.edge) : null;
    else element = article?.querySelector<HTMLElement>(pending.within) ?? null;
    if (!element) {
      const index = indexOf.get(pending.utterance);
      if (index === undefined) pendingFocus.current = null;
      else virtualizer.scrollToIndex(index, { align: "center" });
      return;
    }
    pendingFocus.current = null;
    element.focus();
    if (element instanceof HTMLInputElement) {
      if (!("cell" in pending) || pending.caret === "all") element.select();
      else element.setSelectionRange(pending.caret, pending.caret);
    }
  }, [indexOf, virtualizer]);
  useLayoutEffect(applyPendingFocus);

  const focusUtterance = useCallback(
    (uid: string) => {
      const draft = store.get(uid)?.draft;
      if (!draft) return;
      const first = tabOrder([draft])[0];
      pendingFocus.current = first
        ? { cell: cellKey(first), caret: "all", utterance: uid }
        : { within: ".ling-transcription", utterance: uid };
      applyPendingFocus();
    },
    [applyPendingFocus],
  );

  // On load, the utterance named by `?u=` (or the first) gets the focus, scrolled into view.
  const initialFocus = useRef<string | null>(null);
  const firstTarget = target && order.includes(target) ? target : order[0];
  useEffect(() => {
    if (!firstTarget || initialFocus.current === `${id}:${firstTarget}`) return;
    initialFocus.current = `${id}:${firstTarget}`;
    focusUtterance(firstTarget);
  }, [id, firstTarget, focusUtterance]);

  // The roving tab stop: the control last focused keeps the editor's one place in the Tab order
  // (or, when it scrolled out of the DOM, a gloss on screen).
  const stop = useRef<HTMLElement | null>(null);
  const keepStop = useCallback(() => {
    if (listRef.current) stop.current = keepTabStop(listRef.current, stop.current);
  }, []);
  useLayoutEffect(keepStop);
  // A row re-renders alone (typing, a split, a merge): it may hold the pending focus or the stop.
  const applyRef = useRef(applyPendingFocus);
  applyRef.current = applyPendingFocus;
  const afterRowRender = useCallback(() => {
    applyRef.current();
    keepStop();
  }, [keepStop]);
  const onFocusIn = (event: FocusEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (!target.dataset.nav || !listRef.current) return;
    stop.current = keepTabStop(listRef.current, target);
  };
  const endRef = useRef<HTMLParagraphElement>(null);

  /** Arrow keys between the controls (on into the neighbouring utterance); Escape leaves. */
  const onNavigate = (event: KeyboardEvent<HTMLDivElement>): boolean => {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return false;
    const from = event.target as HTMLElement;
    if (!from.dataset.nav) return false;
    if (event.key === "Escape") {
      event.preventDefault();
      endRef.current?.focus();
      return true;
    }
    const direction = ARROWS[event.key];
    if (!direction || !atEdge(from, direction)) return false;
    const article = from.closest<HTMLElement>("[data-utterance]");
    const uid = article?.dataset.utterance;
    if (!article || !uid) return false;
    event.preventDefault();
    const next = neighbour(article, from, direction);
    if (next) {
      next.focus();
      if (next instanceof HTMLInputElement) next.select();
      return true;
    }
    const index = indexOf.get(uid);
    const other = index === undefined ? undefined : order[index + (direction === "left" || direction === "up" ? -1 : 1)];
    if (other) {
      pendingFocus.current = { edge: direction, utterance: other };
      applyPendingFocus();
    }
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (onNavigate(event)) return;
    if (event.key !== "Tab" || event.ctrlKey || event.altKey || event.metaKey) return;
    const cell = (event.target as HTMLElement).dataset?.cell;
    if (!cell) return;
    const next = tabFrom(tabOrder(currentDrafts()), cell, event.shiftKey ? -1 : 1);
    if (!next) return; // leave the editor the browser's way
    event.preventDefault();
    // The next row may not be rendered yet: the pending focus scrolls it in and then focuses.
    pendingFocus.current = { cell: cellKey(next), caret: "all", utterance: next.utterance };
    applyPendingFocus();
  };

  /**
   * Insert, split, merge or delete: the server's answer is shown at once (with the focus on the
   * utterance concerned), then the text is reloaded for the orders that moved.
   */
  const structure = useCallback(
    async (uid: string, op: StructureOp) => {
      const row = store.get(uid);
      if (!row) return;
      const { base } = row;
      const position = indexOf.get(uid) ?? 0;
      const number = position + 1;
      const show = (docs: Utterance[], gone: string[], after: string | null) => {
        for (const doc of docs) store.set(doc.id, cleanRow(doc));
        for (const key of gone) store.set(key, undefined);
        setOrder((previous) => {
          // An updater may run twice (strict mode): it changes nothing outside itself.
          let next = previous.filter((key) => !gone.includes(key));
          let anchor = after;
          for (const doc of docs) {
            if (next.includes(doc.id)) {
              anchor = doc.id;
              continue;
            }
            const at = anchor === null ? 0 : next.indexOf(anchor) + 1;
            next = [...next.slice(0, at), doc.id, ...next.slice(at)];
            anchor = doc.id;
          }
          return next;
        });
      };
      const lang = translationLang(base);
      const empty = { transcription: "", words: [], translations: { [lang]: "" } };
      if (op.kind === "insert") {
        const at = op.where === "before" ? position : position + 1;
        const created = await linguisticApi.utterances.insert(slug, id, at, empty);
        show([created], [], op.where === "before" ? (order[position - 1] ?? null) : uid);
        pendingFocus.current = { within: ".ling-transcription", utterance: created.id };
        setSaid({ status: `Empty utterance ${at + 1} inserted ${op.where} utterance ${number}.`, alert: "" });
      } else if (op.kind === "split") {
        const { utterances: parts } = await linguisticApi.utterances.split(slug, uid, base.version, op.word);
        show(parts, [], uid);
        pendingFocus.current = { within: ".ling-transcription", utterance: parts[1].id };
        setSaid({ status: `Utterance ${number} split: words from ${op.word + 1} on are utterance ${number + 1}.`, alert: "" });
      } else if (op.kind === "merge") {
        const nextId = order[position + 1];
        const following = nextId ? store.get(nextId) : undefined;
        if (!nextId || !following) return;
        const merged = await linguisticApi.utterances.mergeWithNext(slug, uid, base.version, following.base.version);
        show([merged], [nextId], null);
        pendingFocus.current = { within: ".ling-transcription", utterance: uid };
        setSaid({ status: `Utterance ${number + 1} merged into utterance ${number}.`, alert: "" });
      } else {
        await linguisticApi.utterances.remove(slug, uid, base.version);
        const neighbourId = order[position + 1] ?? order[position - 1];
        show([], [uid], null);
        if (neighbourId) pendingFocus.current = { edge: "down", utterance: neighbourId };
        else endRef.current?.focus();
        setSaid({ status: `Utterance ${number} deleted.`, alert: "" });
      }
      reloadUtterances();
    },
    [slug, id, order, indexOf, reloadUtterances],
  );

  const revert = useCallback(
    async (uid: string, toVersion: number) => {
      const row = store.get(uid);
      if (!row) return;
      const saved = await linguisticApi.utterances.revert(slug, uid, row.base.version, toVersion);
      update(uid, () => cleanRow(saved));
      setSaid({ status: `Utterance ${numberOf(uid)} reverted to version ${toVersion} (now version ${saved.version}).`, alert: "" });
    },
    [slug, update, numberOf],
  );

  const handlersFor = useRowHandlers({ slug, store, pendingFocus, machine, onFocusCell, update, edit, save, structure, revert });

  // A new, empty utterance at the end of the text (how a text is started in the browser).
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<unknown>(null);
  const addUtterance = async () => {
    setAdding(true);
    setAddError(null);
    try {
      const last = currentDrafts().at(-1);
      const lang = last ? translationLang(last) : "en";
      const created = await linguisticApi.utterances.create(slug, id, {
        transcription: "",
        words: [],
        translations: { [lang]: "" },
      });
      store.set(created.id, cleanRow(created));
      setOrder((previous) => (previous.includes(created.id) ? previous : [...previous, created.id]));
      pendingFocus.current = { within: ".ling-transcription", utterance: created.id };
    } catch (error) {
      setAddError(error);
    } finally {
      setAdding(false);
    }
  };

  return (
    <section className="ling-editor-page">
      <p className="breadcrumb">
        <Link to={`/projects/${slug}/texts`}>Texts</Link> /
      </p>
      <EditorHead
        slug={slug}
        textId={id}
        text={text.data}
        onReverted={(saved, toVersion) => {
          text.setData(saved);
          setSaid({ status: `The text was reverted to version ${toVersion} (now version ${saved.version}).`, alert: "" });
        }}
        canEdit={canEdit}
        here={here}
        unsaved={unsaved}
        count={order.length}
        onJump={(number) => {
          const uid = order[Math.min(Math.max(number, 1), order.length) - 1];
          if (uid) focusUtterance(uid);
        }}
      />
      <p className="muted ling-keys" id="ling-keys">
        <kbd>Tab</kbd>/<kbd>Shift-Tab</kbd> next/previous gloss · arrow keys move between every field and
        button (at the start or end of a field's text) · <kbd>↓</kbd> <kbd>Enter</kbd> lexicon suggestion ·{" "}
        <kbd>Enter</kbd> split morpheme at the caret · <kbd>Backspace</kbd> in an empty one merge it back ·{" "}
        <kbd>Alt-Enter</kbd> add word · <kbd>Ctrl-S</kbd> or <kbd>Ctrl-Enter</kbd> save utterance ·{" "}
        <kbd>Esc</kbd> leave the editor
      </p>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="save-announcement">
        {said.status}
      </p>
      <p className="visually-hidden" role="alert" data-testid="save-alert">
        {said.alert}
      </p>
      <EditorAids
        slug={slug}
        textId={id}
        canEdit={canEdit}
        onUtterancesChanged={reloadUtterances}
        onEntriesCreated={reloadLexicon}
        onSuggestionsChanged={reloadMachine}
      />
      <ErrorBanner error={text.error ?? utterances.error} />
      {lexicon.error != null && <p className="muted">Lexicon suggestions are unavailable.</p>}
      {utterances.loading && !utterances.data && <p className="loading">Loading…</p>}
      {utterances.data && order.length === 0 && <p className="empty">This text has no utterances yet.</p>}
      {lockedCells.length > 0 && (
        <style>
          {lockedCells
            .map((cell) => `[data-cell="${cell.replace(/["\\]/g, "\\$&")}"]`)
            .join(",\n")}
          {" { outline: 2px solid #e69500; outline-offset: -2px; }"}
        </style>
      )}
      <div
        ref={listRef}
        className="ling-editor"
        role="group"
        aria-label="Interlinear editor"
        aria-describedby="ling-keys"
        onKeyDown={onKeyDown}
        onFocus={onFocusIn}
        data-testid="igt-editor"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const uid = order[item.index];
          if (!uid || !store.has(uid)) return null;
          return (
            <div
              key={item.key}
              className="ling-editor-row"
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
            >
              <RowSlot
                store={store}
                uid={uid}
                onRendered={afterRowRender}
                lexicon={index}
                abbreviations={abbreviations}
                canEdit={canEdit}
                highlight={uid === target}
                number={item.index + 1}
                isLast={item.index === order.length - 1}
                machine={machine}
                present={presentOn.get(uid) ?? NOBODY}
                {...handlersFor(uid)}
              />
            </div>
          );
        })}
      </div>
      <p className="visually-hidden" tabIndex={-1} ref={endRef} data-testid="editor-end">
        End of the interlinear editor
      </p>
      {canEdit && utterances.data && (
        <p className="ling-add-utterance">
          <button type="button" className="button-secondary" disabled={adding} onClick={() => void addUtterance()}>
            + utterance
          </button>
          <ErrorBanner error={addError} />
        </p>
      )}
    </section>
  );
}
