import { useRef, type RefObject } from "react";
import { cutMorphemes } from "../../models/machine";
import type { MachineSuggestions } from "../../models/useMachineSuggestions";
import { linguisticApi, type Utterance } from "../api";
import type { RowHandlers } from "../components/UtteranceEditor";
import type { StructureOp } from "../components/UtteranceActions";
import {
  deleteWord,
  insertWord,
  mergeMorpheme,
  segmentWord,
  setMorphField,
  setMorphForm,
  setTranscription,
  setTranslation,
  setWordField,
  splitMorpheme,
  wordKey,
  type MorphEdit,
} from "../igt";
import type { PendingFocus } from "./pendingFocus";
import { cleanRow, type RowState, type RowStore } from "./rowStore";

interface RowActions {
  slug: string;
  store: RowStore;
  pendingFocus: RefObject<PendingFocus | null>;
  machine: MachineSuggestions;
  onFocusCell: (cell: string) => void;
  update: (uid: string, change: (row: RowState) => RowState) => void;
  edit: (uid: string, change: (draft: Utterance) => MorphEdit<Utterance> | null) => void;
  save: (uid: string, overwriteVersion?: number) => Promise<void>;
  structure: (uid: string, op: StructureOp) => Promise<void>;
  revert: (uid: string, toVersion: number) => Promise<void>;
}

/**
 * One stable set of callbacks per utterance, so that a keystroke re-renders only its own row:
 * each calls the page's latest actions.
 */
export function useRowHandlers(page: RowActions): (uid: string) => RowHandlers {
  const { slug, store, pendingFocus, onFocusCell, machine } = page;
  const { update, edit, save, structure, revert } = page;
  const machineRef = useRef(machine);
  machineRef.current = machine;
  const actions = useRef({ update, edit, save, structure, revert });
  actions.current = { update, edit, save, structure, revert };
  const handlers = useRef(new Map<string, RowHandlers>());
  return (uid: string): RowHandlers => {
    const known = handlers.current.get(uid);
    if (known) return known;
    const act = () => actions.current;
    const made: RowHandlers = {
      onFocusCell: (cell) => {
        onFocusCell(cell);
        const base = store.get(uid)?.base;
        if (!base) return;
        const words = base.words ?? [];
        machineRef.current.touch(uid, base.version, (w) => (words[w]?.morphemes?.length ?? 0) > 0);
      },
      onMorph: (w, m, field, value) =>
        act().update(uid, (r) => ({ ...r, draft: setMorphField(r.draft, w, m, field, value) })),
      onMorphForm: (w, m, value) => act().update(uid, (r) => ({ ...r, draft: setMorphForm(r.draft, w, m, value) })),
      onWord: (w, field, value) => act().update(uid, (r) => ({ ...r, draft: setWordField(r.draft, w, field, value) })),
      onAddWord: (at) =>
        act().update(uid, (r) => {
          pendingFocus.current = { cell: wordKey(uid, at), caret: 0, utterance: uid };
          return { ...r, draft: insertWord(r.draft, at) };
        }),
      onDeleteWord: (w) => act().update(uid, (r) => ({ ...r, draft: deleteWord(r.draft, w) })),
      onSplit: (w, m, field, caret) => act().edit(uid, (d) => splitMorpheme(d, w, m, field, caret)),
      onMergeBack: (w, m, field) => act().edit(uid, (d) => mergeMorpheme(d, w, m, field)),
      onSegment: (w, cut, glosses) => act().edit(uid, (d) => segmentWord(d, w, cutMorphemes(cut, glosses))),
      onTranscription: (value) => act().update(uid, (r) => ({ ...r, draft: setTranscription(r.draft, value) })),
      onPick: (w, m, s) =>
        act().update(uid, (r) => {
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
        }),
      onTranslation: (lang, value) => act().update(uid, (r) => ({ ...r, draft: setTranslation(r.draft, lang, value) })),
      onSave: () => void act().save(uid),
      onStructure: (op) => act().structure(uid, op),
      loadHistory: () => linguisticApi.utterances.history(slug, uid),
      loadVersion: (version) => linguisticApi.utterances.version(slug, uid, version),
      onRevert: (toVersion) => act().revert(uid, toVersion),
      onKeepMine: () => {
        const theirs = store.get(uid)?.conflict;
        if (theirs) void act().save(uid, theirs.version);
      },
      onReview: () => act().update(uid, (r) => (r.remote ? { ...r, conflict: r.remote, remote: null } : r)),
      onTakeTheirs: () => act().update(uid, (r) => (r.conflict ? cleanRow(r.conflict) : r)),
      onMerge: (merged) =>
        act().update(uid, (r) => (r.conflict ? { ...r, base: r.conflict, draft: merged, conflict: null } : r)),
    };
    handlers.current.set(uid, made);
    return made;
  };
}
