import { memo } from "react";
import { MachineGloss } from "../../models/MachineGloss";
import type { MachineSuggestions } from "../../models/useMachineSuggestions";
import type { Morpheme, Word } from "../api";
import { MIN_CELL_CH, cellKey, morphKey, morphsOf, wordColumns, wordKey, type MorphField, type SplitField, type WordField } from "../igt";
import { navKey } from "../gridNav";
import type { Abbreviations } from "../leipzig";
import { suggestionsFor, type LexiconIndex, type Suggestion } from "../suggest";
import { GlossInput } from "./GlossInput";
import { splitKeys } from "./splitKeys";

/** What a word column does with the user's input: the row's handlers, stable per utterance. */
export interface WordHandlers {
  onMorph: (word: number, morpheme: number | null, field: MorphField, value: string) => void;
  onMorphForm: (word: number, morpheme: number | null, value: string) => void;
  onWord: (word: number, field: WordField, value: string) => void;
  onDeleteWord: (word: number) => void;
  onSplit: (word: number, morpheme: number | null, field: SplitField, caret: number) => void;
  onMergeBack: (word: number, morpheme: number | null, field: SplitField) => void;
  /** Cut an unsegmented word as a machine segmentation (`x-tok`) proposes, with its glosses. */
  onSegment: (word: number, cut: string, glosses: string[]) => void;
  onPick: (word: number, morpheme: number | null, suggestion: Suggestion) => void;
  onFocusCell: (cell: string) => void;
}

interface Shared extends WordHandlers {
  utterance: string;
  canEdit: boolean;
  lexicon: LexiconIndex;
  abbreviations: Abbreviations;
  machine?: MachineSuggestions;
}

interface WordColumnProps extends Shared {
  word: Word;
  /** The word's index in its utterance. */
  w: number;
  /** The utterance's number as shown (for accessible names). */
  number: number;
}

/**
 * One word of an utterance, its tiers stacked: word form and its remove button, each morpheme's
 * form, gloss and POS, then the word's POS. Memoised on the word object, which an edit replaces
 * only for the word it changes: a keystroke re-renders one column of one row.
 */
export const WordColumn = memo(function WordColumn(props: WordColumnProps) {
  // The morpheme cells get everything but the word object, which is new for any edit of it.
  const { word, number, ...shared } = props;
  const { w, utterance, canEdit } = props;
  const cols = wordColumns(word);
  const segmented = !!word.morphemes && word.morphemes.length > 0;
  return (
    <div className="ling-word" data-testid="word" data-word={w}>
      <div className="ling-word-form">
        <input
          className="ling-cell ling-word-input"
          style={{ width: `${cols.word}ch` }}
          value={word.form}
          data-cell={wordKey(utterance, w)}
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
        {morphsOf(word).map((m, i) => (
          <MorphCell
            key={i}
            {...shared}
            m={m}
            i={i}
            segmented={segmented}
            width={cols.morphemes[i] ?? MIN_CELL_CH}
            wordForm={word.form}
          />
        ))}
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
});

interface MorphCellProps extends Shared {
  m: Morpheme;
  w: number;
  /** The morpheme's index in its word. */
  i: number;
  segmented: boolean;
  /** The column's width in `ch`. */
  width: number;
  wordForm: string;
}

/** One morpheme's form, gloss (with lexicon and machine suggestions) and POS. */
const MorphCell = memo(function MorphCell(props: MorphCellProps) {
  const { m, w, i, segmented, width, wordForm, utterance, canEdit, machine } = props;
  const morpheme = segmented ? i : null;
  const cell = cellKey({ utterance, kind: "gloss", word: w, morpheme });
  const formCell = morphKey(utterance, w, morpheme, "form");
  const gloss = m.gloss ?? "";
  const shown = `${m.sep ?? ""}${m.form}`;
  // An unsegmented word with an empty gloss offers the segment model's cut first (with the
  // glosses of its morphs); once dismissed, the gloss model's whole-word gloss shows instead.
  const proposed = segmented || gloss !== "" ? undefined : machine?.segmentFor(utterance, w);
  const cut = proposed?.status === "pending" ? proposed : undefined;
  const split = (field: SplitField) => (caret: number) => props.onSplit(w, morpheme, field, caret);
  const mergeBack = (field: SplitField) => () => props.onMergeBack(w, morpheme, field);
  return (
    <div className="ling-morph">
      <div className="ling-morph-form" title={m.lemma ? `lemma ${m.lemma}` : undefined}>
        {segmented && m.sep ? <span className="ling-sep">{m.sep}</span> : null}
        <input
          className="ling-cell ling-form-input"
          style={{ width: `${Math.max(MIN_CELL_CH, width - (segmented && m.sep ? 1 : 0))}ch` }}
          value={m.form}
          data-cell={formCell}
          data-nav={navKey("form", w, i)}
          tabIndex={-1}
          readOnly={!canEdit}
          aria-label={segmented ? `Form of ${shown} in ${wordForm}` : `Form of ${wordForm} (unsegmented)`}
          spellCheck={false}
          onFocus={() => props.onFocusCell(formCell)}
          onChange={(event) => props.onMorphForm(w, morpheme, event.target.value)}
          onKeyDown={(event) => {
            if (canEdit) splitKeys(event, split("form"), mergeBack("form"));
          }}
        />
      </div>
      <MachineGloss
        hint={cut ?? machine?.hintFor(utterance, w, morpheme)}
        cut={!!cut}
        value={gloss}
        onAccept={() => {
          if (!canEdit) return;
          if (cut) {
            props.onSegment(w, cut.label, cut.glosses ?? []);
            machine?.acceptSegment(utterance, w);
            return;
          }
          const hint = machine?.hintFor(utterance, w, morpheme);
          if (!hint) return;
          props.onMorph(w, morpheme, "gloss", hint.label);
          machine?.accept(utterance, w, morpheme);
        }}
        onReject={() => (cut ? machine?.rejectSegment(utterance, w) : machine?.reject(utterance, w, morpheme))}
      >
        <GlossInput
          value={gloss}
          cell={cell}
          nav={navKey("gloss", w, i)}
          label={`Gloss of ${shown} in ${wordForm}`}
          widthCh={width}
          suggestions={suggestionsFor(props.lexicon, m.form, gloss)}
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
        aria-label={`POS of ${shown} in ${wordForm}`}
        spellCheck={false}
        onChange={(event) => props.onMorph(w, morpheme, "pos", event.target.value)}
      />
    </div>
  );
});
