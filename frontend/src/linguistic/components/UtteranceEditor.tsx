import { ErrorBanner } from "../../components/ErrorBanner";
import type { Utterance } from "../api";
import type { Abbreviations } from "../leipzig";
import { MIN_CELL_CH, cellKey, isDirty, morphsOf, translationLang, wordColumns, type MorphField } from "../igt";
import { suggestionsFor, type LexiconIndex, type Suggestion } from "../suggest";
import { ConflictPanel } from "./ConflictPanel";
import { GlossInput } from "./GlossInput";

export interface RowState {
  /** The server's version this draft is based on. */
  base: Utterance;
  /** What is on screen; never replaced while it holds unsaved typing. */
  draft: Utterance;
  saving: boolean;
  error: unknown;
  /** The server's current document after a 409. */
  conflict: Utterance | null;
}

interface UtteranceEditorProps {
  row: RowState;
  lexicon: LexiconIndex;
  abbreviations: Abbreviations;
  canEdit: boolean;
  autoFocusFirst: boolean;
  highlight: boolean;
  onMorph: (word: number, morpheme: number | null, field: MorphField, value: string) => void;
  onPick: (word: number, morpheme: number | null, suggestion: Suggestion) => void;
  onTranslation: (lang: string, value: string) => void;
  onFocusCell: (cell: string) => void;
  onSave: () => void;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onMerge: (merged: Utterance) => void;
}

/** One utterance, interlinear: transcription, aligned word columns, free translation. */
export function UtteranceEditor(props: UtteranceEditorProps) {
  const { row, lexicon, canEdit, autoFocusFirst, highlight } = props;
  const { draft } = row;
  const dirty = isDirty(row.base, draft);
  const lang = translationLang(draft);
  const trCell = cellKey({ utterance: draft.id, kind: "translation" });
  let first = autoFocusFirst;

  return (
    <article
      className={`ling-utterance${dirty ? " ling-dirty" : ""}${highlight ? " ling-highlight" : ""}`}
      data-utterance={draft.id}
      data-testid="utterance"
      id={`u-${draft.id}`}
      aria-label={`Utterance ${draft.order + 1}`}
    >
      <header className="ling-utterance-head">
        <span className="ling-number">({draft.order + 1})</span>
        <p className="ling-transcription" lang="und">
          {draft.transcription || (draft.words ?? []).map((w) => w.form).join(" ")}
        </p>
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
            tabIndex={-1}
            disabled={!dirty || row.saving}
            onClick={props.onSave}
            title="Save this utterance (Ctrl-S or Ctrl-Enter)"
          >
            Save
          </button>
        )}
      </header>

      <div className="ling-words">
        <div className="ling-tier-labels" aria-hidden="true">
          <span>word</span>
          <span>morph</span>
          <span>gloss</span>
          <span>POS</span>
        </div>
        {(draft.words ?? []).map((word, w) => {
          const cols = wordColumns(word);
          const segmented = !!word.morphemes && word.morphemes.length > 0;
          return (
            <div className="ling-word" key={w} data-testid="word">
              <div className="ling-word-form">{word.form}</div>
              <div className="ling-morphs">
                {morphsOf(word).map((m, i) => {
                  const morpheme = segmented ? i : null;
                  const cell = cellKey({ utterance: draft.id, kind: "gloss", word: w, morpheme });
                  const focusHere = first;
                  first = false;
                  const gloss = m.gloss ?? "";
                  return (
                    <div className="ling-morph" key={i}>
                      <div className="ling-morph-form" title={m.lemma ? `lemma ${m.lemma}` : undefined}>
                        {segmented ? `${m.sep ?? ""}${m.form}` : "—"}
                      </div>
                      <GlossInput
                        value={gloss}
                        cell={cell}
                        label={`Gloss of ${m.sep ?? ""}${m.form} in ${word.form}`}
                        widthCh={cols.morphemes[i] ?? MIN_CELL_CH}
                        suggestions={suggestionsFor(lexicon, m.form, gloss)}
                        onChange={(value) => props.onMorph(w, morpheme, "gloss", value)}
                        onPick={(s) => props.onPick(w, morpheme, s)}
                        onFocusCell={props.onFocusCell}
                        autoFocus={focusHere}
                        abbreviations={props.abbreviations}
                      />
                      <input
                        className="ling-cell ling-pos"
                        style={{ width: `${cols.morphemes[i] ?? MIN_CELL_CH}ch` }}
                        value={m.pos ?? ""}
                        tabIndex={-1}
                        aria-label={`POS of ${m.sep ?? ""}${m.form} in ${word.form}`}
                        spellCheck={false}
                        onChange={(event) => props.onMorph(w, morpheme, "pos", event.target.value)}
                      />
                    </div>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>

      <label className="ling-translation">
        <span className="visually-hidden">Free translation ({lang})</span>
        <span aria-hidden="true">‘</span>
        <input
          value={draft.translations?.[lang] ?? ""}
          data-cell={trCell}
          aria-label={`Free translation (${lang}) of utterance ${draft.order + 1}`}
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
}
