import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import type { HistoryEntry, Utterance } from "../api";
import { utteranceLines } from "../history";
import { HistoryPanel } from "./HistoryPanel";

/** What a row asks the editor to do to the text's sequence of utterances. */
export type StructureOp =
  | { kind: "insert"; where: "before" | "after" }
  | { kind: "split"; word: number }
  | { kind: "merge" }
  | { kind: "delete" };

export interface ActionHandlers {
  onStructure: (op: StructureOp) => Promise<void>;
  loadHistory: () => Promise<HistoryEntry[]>;
  loadVersion: (version: number) => Promise<Utterance>;
  onRevert: (toVersion: number) => Promise<void>;
}

interface UtteranceActionsProps extends ActionHandlers {
  utterance: Utterance;
  number: number;
  dirty: boolean;
  isLast: boolean;
  canEdit: boolean;
  /** Closes the panel (and gives the focus back to the button that opened it). */
  onClose: () => void;
}

type Open = null | "split" | "delete" | "history";

/** Focus the first control of what has just opened: the bar, or the sub-panel under it. */
function useFocusFirst(ref: RefObject<HTMLElement | null>, open: Open) {
  useEffect(() => {
    if (open === "history") return; // the history panel puts the focus on its heading
    const scope = open ? ref.current?.querySelector(".ling-actions-sub") : ref.current;
    scope?.querySelector<HTMLElement>("select, button:not([aria-disabled='true'])")?.focus();
  }, [ref, open]);
}

/**
 * The operations on one utterance: insert an empty one before or after it, split it at a word,
 * merge it with the next, delete it (after a confirmation), and its history. Shown under the
 * utterance's header when its "Actions" button is pressed; the focus moves into it, Escape closes.
 */
export function UtteranceActions(props: UtteranceActionsProps) {
  const { utterance, dirty, isLast, canEdit } = props;
  const { number } = props;
  const words = utterance.words ?? [];
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [at, setAt] = useState(1);
  const panel = useRef<HTMLDivElement>(null);
  useFocusFirst(panel, open);

  const run = async (op: StructureOp) => {
    setBusy(true);
    setError(null);
    try {
      await props.onStructure(op);
      setBusy(false);
      setOpen(null);
      // The editor has put the focus on the utterance concerned; this panel is done.
      props.onClose();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    event.preventDefault();
    event.stopPropagation();
    if (open) setOpen(null);
    else props.onClose();
  };

  const saveFirst = dirty ? "Save this utterance first." : null;
  let sub: ReactNode = null;
  if (open === "split") {
    sub = (
      <form
        className="ling-actions-sub"
        onSubmit={(event) => {
          event.preventDefault();
          void run({ kind: "split", word: at });
        }}
      >
        <label>
          Split before word{" "}
          <select value={at} onChange={(event) => setAt(Number(event.target.value))}>
            {words.slice(1).map((word, i) => (
              <option key={i + 1} value={i + 1}>
                {i + 2}: {word.form}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" className="button-small" disabled={busy}>
          Split utterance {number}
        </button>{" "}
        <button type="button" className="button-small button-secondary" onClick={() => setOpen(null)}>
          Cancel
        </button>
      </form>
    );
  } else if (open === "delete") {
    sub = (
      <div className="ling-actions-sub" role="group" aria-label={`Confirm deleting utterance ${number}`}>
        <p>Delete utterance {number} with its glosses? The utterances after it move up.</p>
        <button type="button" className="button-small button-secondary" onClick={() => setOpen(null)}>
          Cancel
        </button>{" "}
        <button type="button" className="button-small button-danger" disabled={busy} onClick={() => void run({ kind: "delete" })}>
          Delete utterance {number}
        </button>
      </div>
    );
  } else if (open === "history") {
    sub = (
      <HistoryPanel
        title={`History of utterance ${number}`}
        current={utterance}
        lines={utteranceLines}
        canEdit={canEdit && !dirty}
        loadHistory={props.loadHistory}
        loadVersion={props.loadVersion}
        onRevert={props.onRevert}
      />
    );
  }

  return (
    <div
      className="ling-actions"
      ref={panel}
      role="group"
      aria-label={`Actions on utterance ${number}`}
      data-testid="utterance-actions"
      onKeyDown={onKeyDown}
    >
      <div className="ling-actions-bar">
        {canEdit && (
          <>
            <button type="button" className="button-small button-secondary" disabled={busy} onClick={() => void run({ kind: "insert", where: "before" })}>
              Insert before
            </button>
            <button type="button" className="button-small button-secondary" disabled={busy} onClick={() => void run({ kind: "insert", where: "after" })}>
              Insert after
            </button>
            <button
              type="button"
              className="button-small button-secondary"
              aria-disabled={words.length < 2 || dirty}
              title={saveFirst ?? (words.length < 2 ? "Only an utterance of two words or more can be split." : undefined)}
              aria-expanded={open === "split"}
              onClick={() => words.length >= 2 && !dirty && setOpen(open === "split" ? null : "split")}
            >
              Split…
            </button>
            <button
              type="button"
              className="button-small button-secondary"
              aria-disabled={isLast || dirty || busy}
              title={saveFirst ?? (isLast ? "This is the last utterance." : undefined)}
              onClick={() => !isLast && !dirty && !busy && void run({ kind: "merge" })}
            >
              Merge with next
            </button>
            <button
              type="button"
              className="button-small button-secondary"
              aria-expanded={open === "delete"}
              onClick={() => setOpen(open === "delete" ? null : "delete")}
            >
              Delete…
            </button>
          </>
        )}
        <button
          type="button"
          className="button-small button-secondary"
          aria-expanded={open === "history"}
          onClick={() => setOpen(open === "history" ? null : "history")}
        >
          History
        </button>
        <button type="button" className="button-small button-link" onClick={props.onClose}>
          Close
        </button>
      </div>
      {sub}
      <ErrorBanner error={error} />
    </div>
  );
}
