import type { KeyboardEvent, ReactNode } from "react";
import { display, type MachineHint } from "./machine";
import { percent } from "./plots";

interface Props {
  hint: MachineHint | undefined;
  /** The hint is a segmentation of the (unsegmented) word: `x-tok`, shown with its glosses. */
  cut?: boolean;
  value: string;
  onAccept: () => void;
  onReject: () => void;
  children: ReactNode;
}

/**
 * Wraps a gloss cell: while it is empty and a model proposes a gloss, the proposal shows as
 * ghost text; ArrowRight accepts it (one key; the caret has nowhere to go in an empty box) and
 * Delete dismisses it. A value that is the accepted machine proposal carries a "machine" mark.
 * A proposed segmentation of an unsegmented word shows the same way (the cut, then the glosses
 * of its morphs); accepting it cuts the word.
 */
export function MachineGloss({ hint, cut = false, value, onAccept, onReject, children }: Props) {
  const shown = display(hint, value);
  const onKeyDownCapture = (event: KeyboardEvent<HTMLDivElement>) => {
    if (shown !== "ghost" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "ArrowRight") {
      event.preventDefault();
      event.stopPropagation();
      onAccept();
    } else if (event.key === "Delete") {
      event.preventDefault();
      event.stopPropagation();
      onReject();
    }
  };
  const title = hint && shown ? titleOf(hint, shown, cut) : undefined;
  // The proposal and the mark lie over the cell and let the pointer through to the input: the
  // cell carries their title too, so hovering it shows the whole proposal.
  return (
    <div className={`ml-gloss${shown ? ` ml-gloss-${shown}` : ""}`} title={title} onKeyDownCapture={onKeyDownCapture}>
      {children}
      {shown === "ghost" && hint && !cut && (
        <span className="ml-ghost" data-testid="machine-suggestion" title={title}>
          {hint.label} <span className="ml-p">{percent(hint.p, 0)} →</span>
        </span>
      )}
      {shown === "ghost" && hint && cut && (
        <span className="ml-ghost ml-ghost-cut" data-testid="machine-segmentation" title={title}>
          <span className="ml-cut">{hint.label}</span>
          {hint.glosses?.some((g) => g) ? <span className="ml-cut-glosses"> {hint.glosses.join(" ")}</span> : null}{" "}
          <span className="ml-p">{percent(hint.p, 0)} →</span>
        </span>
      )}
      {shown === "machine" && hint && (
        <span className="ml-machine-mark" data-testid="machine-made" title={title}>
          machine
        </span>
      )}
    </div>
  );
}

/** What the proposal or the mark says in full: shown on hover, where the cell cuts it off. */
function titleOf(hint: MachineHint, shown: "ghost" | "machine", cut: boolean): string {
  const p = percent(hint.p, 0);
  if (shown === "machine") return `Accepted from model v${hint.versionNumber}`;
  if (!cut) return `Model v${hint.versionNumber} proposes “${hint.label}” (p ${p}): → accepts, Delete dismisses`;
  const glossed = hint.glosses?.length ? ` glossed “${hint.glosses.join(" ")}”` : "";
  return `Model v${hint.versionNumber} proposes the cut “${hint.label}”${glossed} (p ${p}): → cuts the word, Delete dismisses`;
}
