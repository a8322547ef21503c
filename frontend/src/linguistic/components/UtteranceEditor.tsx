import { memo, useRef, useState, type KeyboardEvent } from "react";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import type { Person } from "../../realtime/presence";
import { ErrorBanner } from "../../components/ErrorBanner";
import type { MachineSuggestions } from "../../models/useMachineSuggestions";
import type { Utterance } from "../api";
import type { Abbreviations } from "../leipzig";
import { cellKey, isDirty, translationLang } from "../igt";
import { navKey } from "../gridNav";
import type { LexiconIndex } from "../suggest";
import type { RowState } from "../editor/rowStore";
import { ConflictPanel } from "./ConflictPanel";
import { UtteranceActions, type ActionHandlers } from "./UtteranceActions";
import { WordColumn, type WordHandlers } from "./WordColumn";

/** What a row does with the user's input; stable per utterance so a keystroke re-renders one row. */
export interface RowHandlers extends ActionHandlers, WordHandlers {
  onAddWord: (at: number) => void;
  onTranscription: (value: string) => void;
  onTranslation: (lang: string, value: string) => void;
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
        {words.map((word, w) => (
          <WordColumn
            key={w}
            word={word}
            w={w}
            number={number}
            utterance={draft.id}
            canEdit={canEdit}
            lexicon={lexicon}
            abbreviations={props.abbreviations}
            machine={props.machine}
            onMorph={props.onMorph}
            onMorphForm={props.onMorphForm}
            onWord={props.onWord}
            onDeleteWord={props.onDeleteWord}
            onSplit={props.onSplit}
            onMergeBack={props.onMergeBack}
            onSegment={props.onSegment}
            onPick={props.onPick}
            onFocusCell={props.onFocusCell}
          />
        ))}
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
