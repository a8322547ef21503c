import { memo, useRef, useState, type KeyboardEvent } from "react";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import type { Person } from "../../realtime/presence";
import { ErrorBanner } from "../../components/ErrorBanner";
import { MachineGloss } from "../../models/MachineGloss";
import type { MachineSuggestions } from "../../models/useMachineSuggestions";
import type { Utterance } from "../api";
import type { Abbreviations } from "../leipzig";
import {
  MIN_CELL_CH,
  cellKey,
  isDirty,
  morphKey,
  morphsOf,
  translationLang,
  wordColumns,
  wordKey,
  type MorphField,
  type SplitField,
  type WordField,
} from "../igt";
import { navKey } from "../gridNav";
import { suggestionsFor, type LexiconIndex, type Suggestion } from "../suggest";
import { ConflictPanel } from "./ConflictPanel";
import { GlossInput } from "./GlossInput";
import { splitKeys } from "./splitKeys";
import { UtteranceActions, type ActionHandlers } from "./UtteranceActions";

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

/** What a row does with the user's input; stable per utterance so a keystroke re-renders one row. */
export interface RowHandlers extends ActionHandlers {
  onMorph: (word: number, morpheme: number | null, field: MorphField, value: string) => void;
  onMorphForm: (word: number, morpheme: number | null, value: string) => void;
  onWord: (word: number, field: WordField, value: string) => void;
  onAddWord: (at: number) => void;
  onDeleteWord: (word: number) => void;
  onSplit: (word: number, morpheme: number | null, field: SplitField, caret: number) => void;
  onMergeBack: (word: number, morpheme: number | null, field: SplitField) => void;
  onPick: (word: number, morpheme: number | null, suggestion: Suggestion) => void;
  onTranscription: (value: string) => void;
  onTranslation: (lang: string, value: string) => void;
  onFocusCell: (cell: string) => void;
  onSave: () => void;
  onReview: () => void;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onMerge: (merged: Utterance) => void;
  /** Machine gloss suggestions (ghost text, accept with ArrowRight), when a model serves them. */
  machine?: MachineSuggestions;
}

interface UtteranceEditorProps extends RowHandlers {
  row: RowState;
  lexicon: LexiconIndex;
  abbreviations: Abbreviations;
  canEdit: boolean;
  highlight: boolean;
  /** Its place in the text, 1-based (what the user sees; `order` may lag behind an insert). */
  number: number;
  /** The last utterance of the text (nothing to merge it with). */
  isLast: boolean;
  /** Others on this utterance, with the cells they hold a soft lock on. */
  present?: Person[];
}

/**
 * One utterance, interlinear: transcription, aligned word columns (word form and POS, then each
 * morpheme's form, gloss and POS), free translation. Alt-Enter adds a word after the one holding
 * the focus (or at the end).
 */
export const UtteranceEditor = memo(function UtteranceEditor(props: UtteranceEditorProps) {
  const { row, lexicon, canEdit, highlight } = props;
  const { draft } = row;
  const dirty = isDirty(row.base, draft);
  const lang = translationLang(draft);
  const trCell = cellKey({ utterance: draft.id, kind: "translation" });
  const { number } = props;
  const words = draft.words ?? [];
  const [actionsOpen, setActionsOpen] = useState(false);
  const actionsButton = useRef<HTMLButtonElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!canEdit || !event.altKey || event.key !== "Enter") return;
    event.preventDefault();
    const within = (event.target as HTMLElement).closest<HTMLElement>("[data-word]");
    props.onAddWord(within ? Number(within.dataset.word) + 1 : words.length);
  };

  return (
    <article
      className={`ling-utterance${dirty ? " ling-dirty" : ""}${highlight ? " ling-highlight" : ""}`}
      data-utterance={draft.id}
      data-testid="utterance"
      id={`u-${draft.id}`}
      aria-label={`Utterance ${number}`}
      onKeyDown={onKeyDown}
    >
      <header className="ling-utterance-head">
        <span className="ling-number">({number})</span>
        <input
          className="ling-transcription"
          lang="und"
          value={draft.transcription ?? ""}
          placeholder={words.map((w) => w.form).join(" ")}
          aria-label={`Transcription of utterance ${number}`}
          data-nav={navKey("head")}
          tabIndex={-1}
          readOnly={!canEdit}
          spellCheck={false}
          onChange={(event) => props.onTranscription(event.target.value)}
        />
        <PresenceAvatars people={props.present ?? []} label={`Also on utterance ${number}`} />
        {(props.present ?? []).some((person) => person.locks.length > 0) && (
          <span className="lock-note" data-testid="lock-note">
            {(props.present ?? [])
              .filter((person) => person.locks.length > 0)
              .map((person) => person.user)
              .join(", ")}{" "}
            editing
          </span>
        )}
        <span className="ling-status" data-testid="utterance-status">
          {row.saving ? (
            "Saving…"
          ) : dirty ? (
            <span className="ling-dirty-mark" title="Unsaved changes (Ctrl-S to save)">
              ● unsaved
            </span>
          ) : (
            <span className="muted">v{row.base.version}</span>
          )}
        </span>
        {canEdit && (
          <button
            type="button"
            className="button-small button-secondary"
            data-nav={navKey("head", null, 1)}
            tabIndex={-1}
            // aria-disabled, not disabled: a disabled button could not take the focus, and the
            // arrows must reach every control.
            aria-disabled={!dirty || row.saving}
            onClick={() => {
              if (dirty && !row.saving) props.onSave();
            }}
            title="Save this utterance (Ctrl-S or Ctrl-Enter)"
          >
            Save
          </button>
        )}
        <button
          type="button"
          ref={actionsButton}
          className="button-small button-secondary"
          data-nav={navKey("head", null, 2)}
          tabIndex={-1}
          aria-expanded={actionsOpen}
          aria-label={`Actions on utterance ${number}`}
          onClick={() => setActionsOpen((was) => !was)}
        >
          Actions
        </button>
      </header>
      {actionsOpen && (
        <UtteranceActions
          utterance={row.base}
          number={number}
          dirty={dirty}
          isLast={props.isLast}
          canEdit={canEdit}
          onStructure={props.onStructure}
          loadHistory={props.loadHistory}
          loadVersion={props.loadVersion}
          onRevert={props.onRevert}
          onClose={() => {
            setActionsOpen(false);
            actionsButton.current?.focus();
          }}
        />
      )}
      {row.remote && !row.conflict && (
        <p className="ling-remote" role="status" data-testid="remote-change">
          <button type="button" className="button-link" onClick={props.onReview}>
            Changed by someone else — review
          </button>{" "}
          <span className="muted">
            {row.remote.updated_by ? `${row.remote.updated_by} saved` : "Saved as"} version {row.remote.version}; your
            changes are not saved yet.
          </span>
        </p>
      )}

      <div className="ling-words">
        <div className="ling-tier-labels" aria-hidden="true">
          <span>word</span>
          <span>morph</span>
          <span>gloss</span>
          <span>POS</span>
          <span>word POS</span>
        </div>
        {words.map((word, w) => {
          const cols = wordColumns(word);
          const segmented = !!word.morphemes && word.morphemes.length > 0;
          return (
            <div className="ling-word" key={w} data-testid="word" data-word={w}>
              <div className="ling-word-form">
                <input
                  className="ling-cell ling-word-input"
                  style={{ width: `${cols.word}ch` }}
                  value={word.form}
                  data-cell={wordKey(draft.id, w)}
                  data-nav={navKey("word", w, 0)}
                  tabIndex={-1}
                  readOnly={!canEdit}
                  aria-label={`Word ${w + 1} of utterance ${number}`}
                  spellCheck={false}
                  onChange={(event) => props.onWord(w, "form", event.target.value)}
                />
                {canEdit && (
                  <button
                    type="button"
                    className="button-link ling-word-delete"
                    data-nav={navKey("word", w, 1)}
                    tabIndex={-1}
                    aria-label={`Remove word ${w + 1} from utterance ${number}`}
                    title="Delete this word"
                    onClick={() => props.onDeleteWord(w)}
                  >
                    ×
                  </button>
                )}
              </div>
              <div className="ling-morphs">
                {morphsOf(word).map((m, i) => {
                  const morpheme = segmented ? i : null;
                  const cell = cellKey({ utterance: draft.id, kind: "gloss", word: w, morpheme });
                  const gloss = m.gloss ?? "";
                  const width = cols.morphemes[i] ?? MIN_CELL_CH;
                  const shown = `${m.sep ?? ""}${m.form}`;
                  const split = (field: SplitField) => (caret: number) => props.onSplit(w, morpheme, field, caret);
                  const mergeBack = (field: SplitField) => () => props.onMergeBack(w, morpheme, field);
                  return (
                    <div className="ling-morph" key={i}>
                      <div className="ling-morph-form" title={m.lemma ? `lemma ${m.lemma}` : undefined}>
                        {segmented && m.sep ? <span className="ling-sep">{m.sep}</span> : null}
                        <input
                          className="ling-cell ling-form-input"
                          style={{ width: `${Math.max(MIN_CELL_CH, width - (segmented && m.sep ? 1 : 0))}ch` }}
                          value={m.form}
                          data-cell={morphKey(draft.id, w, morpheme, "form")}
                          data-nav={navKey("form", w, i)}
                          tabIndex={-1}
                          readOnly={!canEdit}
                          aria-label={segmented ? `Form of ${shown} in ${word.form}` : `Form of ${word.form} (unsegmented)`}
                          spellCheck={false}
                          onFocus={() => props.onFocusCell(morphKey(draft.id, w, morpheme, "form"))}
                          onChange={(event) => props.onMorphForm(w, morpheme, event.target.value)}
                          onKeyDown={(event) => {
                            if (canEdit) splitKeys(event, split("form"), mergeBack("form"));
                          }}
                        />
                      </div>
                      <MachineGloss
                        hint={props.machine?.hintFor(draft.id, w, morpheme)}
                        value={gloss}
                        onAccept={() => {
                          const hint = props.machine?.hintFor(draft.id, w, morpheme);
                          if (!hint || !canEdit) return;
                          props.onMorph(w, morpheme, "gloss", hint.label);
                          props.machine?.accept(draft.id, w, morpheme);
                        }}
                        onReject={() => props.machine?.reject(draft.id, w, morpheme)}
                      >
                      <GlossInput
                        value={gloss}
                        cell={cell}
                        nav={navKey("gloss", w, i)}
                        label={`Gloss of ${shown} in ${word.form}`}
                        widthCh={width}
                        suggestions={suggestionsFor(lexicon, m.form, gloss)}
                        onChange={(value) => props.onMorph(w, morpheme, "gloss", value)}
                        onPick={(s) => props.onPick(w, morpheme, s)}
                        onFocusCell={props.onFocusCell}
                        abbreviations={props.abbreviations}
                        onSplit={canEdit ? split("gloss") : undefined}
                        onMergeBack={canEdit ? mergeBack("gloss") : undefined}
                      />
                      </MachineGloss>
                      <input
                        className="ling-cell ling-pos"
                        style={{ width: `${width}ch` }}
                        value={m.pos ?? ""}
                        data-nav={navKey("pos", w, i)}
                        tabIndex={-1}
                        readOnly={!canEdit}
                        aria-label={`POS of ${shown} in ${word.form}`}
                        spellCheck={false}
                        onChange={(event) => props.onMorph(w, morpheme, "pos", event.target.value)}
                      />
                    </div>
                  );
                })}
              </div>
              {segmented ? (
                <input
                  className="ling-cell ling-pos ling-word-pos"
                  style={{ width: `${cols.word}ch` }}
                  value={word.pos ?? ""}
                  data-nav={navKey("wpos", w)}
                  tabIndex={-1}
                  readOnly={!canEdit}
                  aria-label={`Word POS of ${word.form}`}
                  spellCheck={false}
                  onChange={(event) => props.onWord(w, "pos", event.target.value)}
                />
              ) : (
                // An unsegmented word's POS is in the row above; keep the rows aligned.
                <div className="ling-word-pos-empty" aria-hidden="true" />
              )}
            </div>
          );
        })}
        {canEdit && (
          <button
            type="button"
            className="button-small button-secondary ling-add-word"
            data-nav={navKey("add")}
            tabIndex={-1}
            aria-label={`Add a word to utterance ${number}`}
            title="Add a word at the end (Alt-Enter adds one after the focused word)"
            onClick={() => props.onAddWord(words.length)}
          >
            + word
          </button>
        )}
      </div>

      <label className="ling-translation">
        <span className="visually-hidden">Free translation ({lang})</span>
        <span aria-hidden="true">‘</span>
        <input
          value={draft.translations?.[lang] ?? ""}
          data-cell={trCell}
          data-nav={navKey("tr")}
          tabIndex={-1}
          aria-label={`Free translation (${lang}) of utterance ${number}`}
          placeholder="Free translation"
          onFocus={() => props.onFocusCell(trCell)}
          onChange={(event) => props.onTranslation(lang, event.target.value)}
        />
        <span aria-hidden="true">’</span>
      </label>

      {row.conflict ? (
        <ConflictPanel
          base={row.base}
          mine={draft}
          theirs={row.conflict}
          busy={row.saving}
          onKeepMine={props.onKeepMine}
          onTakeTheirs={props.onTakeTheirs}
          onMerge={props.onMerge}
        />
      ) : (
        <ErrorBanner error={row.error} />
      )}
    </article>
  );
});
