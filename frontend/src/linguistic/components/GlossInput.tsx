import { useId, useState, type KeyboardEvent } from "react";
import { splitKeys } from "./splitKeys";
import { tokenizeGloss, type Abbreviations } from "../leipzig";
import type { Suggestion } from "../suggest";

interface GlossInputProps {
  value: string;
  /** `data-cell` key of the focus model. */
  cell: string;
  /** `data-nav` key of the editor's arrow-key model. */
  nav?: string;
  label: string;
  widthCh: number;
  suggestions: Suggestion[];
  onChange: (value: string) => void;
  onPick: (suggestion: Suggestion) => void;
  onFocusCell: (cell: string) => void;
  autoFocus?: boolean;
  abbreviations?: Abbreviations;
  /** Enter (with no suggestion list open): cut the morpheme at the caret. */
  onSplit?: (caret: number) => void;
  /** Backspace at the start of an empty gloss: merge the morpheme into the previous one. */
  onMergeBack?: () => void;
}

/**
 * One gloss cell: a text input with lexicon autocomplete (ArrowDown / ArrowUp to move, Enter to
 * pick, Escape to close) and Leipzig hints: a gloss with an unknown gram is underlined (its title
 * names the grams), and while it has the focus a hint floats below it, over the next tiers
 * rather than pushing them down, so every tier stays on its label.
 * With the list closed, Enter splits the morpheme and Backspace in an empty cell merges it back.
 * Tab is left to the editor's focus model.
 */
export function GlossInput(props: GlossInputProps) {
  const { value, cell, label, widthCh, suggestions, onChange, onPick, onFocusCell, autoFocus, abbreviations } = props;
  const { onSplit, onMergeBack } = props;
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const hintId = useId();
  const showing = open && suggestions.length > 0;
  const tokens = tokenizeGloss(value, undefined, abbreviations);
  const unknown = tokens.filter((t) => t.kind === "gram" && t.meaning === null).map((t) => t.text);
  // Below the focused gloss, where the suggestion list would be: the list wins while it shows.
  const hinting = unknown.length > 0 && focused && !showing;

  const pick = (s: Suggestion) => {
    onPick(s);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "ArrowDown" && suggestions.length > 0) {
      event.preventDefault();
      if (!showing) {
        setOpen(true);
        setActive(0);
      } else setActive((a) => (a + 1) % suggestions.length);
    } else if (event.key === "ArrowUp" && showing) {
      event.preventDefault();
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    } else if (event.key === "Enter" && showing) {
      event.preventDefault();
      const chosen = suggestions[Math.min(active, suggestions.length - 1)];
      if (chosen) pick(chosen);
    } else if (event.key === "Escape" && showing) {
      event.preventDefault();
      setOpen(false);
    } else if (event.key === "Tab") {
      setOpen(false);
    } else {
      splitKeys(event, onSplit, onMergeBack);
    }
  };

  return (
    <div className="ling-gloss">
      <input
        className={unknown.length > 0 ? "ling-cell ling-gloss-input ling-has-unknown" : "ling-cell ling-gloss-input"}
        style={{ width: `${widthCh}ch` }}
        value={value}
        data-cell={cell}
        data-nav={props.nav}
        tabIndex={props.nav ? -1 : undefined}
        aria-label={label}
        role="combobox"
        aria-expanded={showing}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showing ? `${listId}-${active}` : undefined}
        title={unknown.length > 0 ? `Not a Leipzig abbreviation: ${unknown.join(", ")}` : undefined}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(0);
        }}
        aria-describedby={hinting ? hintId : undefined}
        onFocus={() => {
          setFocused(true);
          onFocusCell(cell);
          setOpen(value === "");
          setActive(0);
        }}
        onBlur={() => {
          setOpen(false);
          setFocused(false);
        }}
        onKeyDown={onKeyDown}
      />
      {showing && (
        <ul className="ling-suggestions" role="listbox" id={listId} aria-label="Lexicon suggestions">
          {suggestions.map((s, i) => (
            <li
              key={`${s.entryId}-${s.senseId ?? i}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              // mousedown, not click: the input must not blur (and close the list) first.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(s);
              }}
            >
              <strong>{s.gloss}</strong> <span className="muted">{s.headword}</span>
              {s.pos && <span className="ling-pos-tag">{s.pos}</span>}
            </li>
          ))}
        </ul>
      )}
      {hinting && (
        <div className="ling-gloss-hint" data-testid="leipzig-hint" id={hintId}>
          {tokens.map((t, i) =>
            t.kind === "gram" ? (
              <span
                key={i}
                className={t.meaning === null ? "ling-gram ling-gram-unknown" : "ling-gram"}
                title={t.meaning ?? `“${t.text}” is not a standard Leipzig gram`}
              >
                {t.text}
              </span>
            ) : (
              <span key={i}>{t.text}</span>
            ),
          )}
        </div>
      )}
    </div>
  );
}
