import { useEffect, useRef, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDate } from "../../format";
import type { HistoryEntry, Stored } from "../api";
import { diffLines } from "../history";

interface HistoryPanelProps<T extends Stored> {
  /** The panel's heading, e.g. "History of utterance 3". */
  title: string;
  current: T;
  /** The document as lines a reader compares (see `history.ts`). */
  lines: (doc: T) => string[];
  canEdit: boolean;
  loadHistory: () => Promise<HistoryEntry[]>;
  loadVersion: (version: number) => Promise<T>;
  onRevert: (toVersion: number) => Promise<void>;
}

/**
 * A document's past versions, newest first: who changed what and when; "Compare" shows what
 * the current version changed from that one (removed and added lines), "Revert" makes its
 * content current again as a new version. The focus goes to the heading when it opens.
 */
export function HistoryPanel<T extends Stored>(props: HistoryPanelProps<T>) {
  const { title, current, lines, canEdit, loadHistory, loadVersion, onRevert } = props;
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = `history-${current.id}`;

  useEffect(() => {
    let live = true;
    setEntries(null);
    loadHistory().then(
      (got) => live && setEntries(got),
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [loadHistory, current.version]);
  useEffect(() => heading.current?.focus(), []);

  const compare = async (version: number) => {
    setError(null);
    try {
      setShown(await loadVersion(version));
    } catch (caught) {
      setError(caught);
    }
  };

  const revert = async (version: number) => {
    setBusy(true);
    setError(null);
    try {
      await onRevert(version);
      setShown(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ling-history" aria-labelledby={headingId} data-testid="history-panel">
      <h3 id={headingId} tabIndex={-1} ref={heading}>
        {title}
      </h3>
      <ErrorBanner error={error} />
      {entries === null && !error && <p className="loading">Loading…</p>}
      {entries && entries.length === 0 && <p className="empty">No earlier versions: this is version {current.version}.</p>}
      {entries && entries.length > 0 && (
        <ol className="ling-history-list">
          <li>
            <strong>v{current.version}</strong> (current) · {current.updated_by ?? ""}
            {current.updated_at ? ` · ${formatDate(current.updated_at)}` : ""}
          </li>
          {entries.map((entry) => (
            <li key={entry.version} data-testid="history-entry">
              <strong>v{entry.version}</strong> · {entry.by} · {formatDate(entry.at)} · then {entry.op === "delete" ? "deleted" : "changed"}{" "}
              {entry.changed.join(", ") || "nothing"}{" "}
              <button type="button" className="button-small button-secondary" onClick={() => void compare(entry.version)}>
                Compare v{entry.version} with current
              </button>
            </li>
          ))}
        </ol>
      )}
      {shown && (
        <div className="ling-diff" data-testid="history-diff">
          <p>
            From v{shown.version} to the current v{current.version}:
          </p>
          <ul>
            {diffLines(lines(shown), lines(current)).map((line, i) => (
              <li key={i} className={`ling-diff-${line.kind}`}>
                <span className="visually-hidden">{line.kind === "same" ? "unchanged" : line.kind}: </span>
                <span aria-hidden="true">{line.kind === "removed" ? "− " : line.kind === "added" ? "+ " : "  "}</span>
                {line.text}
              </li>
            ))}
          </ul>
          {canEdit && (
            <button type="button" className="button-small" disabled={busy} onClick={() => void revert(shown.version)}>
              Revert to v{shown.version}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
