import { useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { affectApi, type HistoryEntry, type Layer } from "../api";
import { segmentSummary } from "../components/Timeline";
import { diffSegments, type SegmentChange } from "../layerDiff";
import { formatTime } from "../timeline";

interface HistoryPanelProps {
  slug: string;
  videoId: string;
  layer: Layer;
  /** Unsaved coding is lost by a revert: the panel asks first. */
  dirty: boolean;
  onReverted: (notice: string) => void;
}

/**
 * The versions of the user's layer (newest first) and a revert to any of them. A revert brings
 * back that version's segments and events as a new version; the traces are kept as they are.
 */
export function HistoryPanel({ slug, videoId, layer, dirty, onReverted }: HistoryPanelProps) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [compared, setCompared] = useState<{ version: number; changes: SegmentChange[] } | null>(
    null,
  );

  const compare = async (version: number) => {
    setError(null);
    try {
      const old = await affectApi.layerVersion(slug, videoId, layer.id, version);
      setCompared({ version, changes: diffSegments(old.segments, layer.segments) });
    } catch (reason) {
      setError(reason);
    }
  };

  const load = async () => {
    setError(null);
    try {
      setEntries(await affectApi.history(slug, videoId, layer.id));
    } catch (reason) {
      setError(reason);
    }
  };

  const revert = async (version: number) => {
    if (dirty && !window.confirm("Your unsaved changes will be lost. Revert anyway?")) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await affectApi.revert(slug, videoId, layer.id, version, layer.version);
      onReverted(`Reverted your layer to version ${version} (now version ${saved.version}).`);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel affect-history" aria-labelledby="layer-history-heading">
      <details
        onToggle={(event) => {
          if ((event.currentTarget as HTMLDetailsElement).open && entries === null) void load();
        }}
      >
        <summary>
          <h2 id="layer-history-heading" className="affect-inline-heading">
            History of your layer
          </h2>
        </summary>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        {entries === null ? (
          <p className="loading">Loading…</p>
        ) : (
          <ol className="affect-history-list" data-testid="layer-history" reversed>
            <li>
              <strong>Version {layer.version}</strong> (current) by {layer.updated_by}
            </li>
            {entries
              .filter((entry) => entry.version !== layer.version)
              .map((entry) => (
                <li key={entry.version} data-testid={`history-${entry.version}`}>
                  Version {entry.version} by {entry.by},{" "}
                  {new Date(entry.at).toLocaleString()}
                  {entry.changed.length > 0 && (
                    <span className="muted"> · then changed: {entry.changed.join(", ")}</span>
                  )}{" "}
                  <button
                    type="button"
                    className="button-secondary button-small"
                    onClick={() => void compare(entry.version)}
                  >
                    Compare version {entry.version} with current
                  </button>{" "}
                  <button
                    type="button"
                    className="button-secondary button-small"
                    disabled={busy}
                    onClick={() => void revert(entry.version)}
                  >
                    Revert to version {entry.version}
                  </button>
                </li>
              ))}
          </ol>
        )}
        {compared && (
          <div className="affect-history-diff" data-testid="layer-diff" role="region" aria-label={`Version ${compared.version} against the current version`}>
            <h3>
              Version {compared.version} → current (version {layer.version})
            </h3>
            {compared.changes.length === 0 ? (
              <p className="muted">Their segments are the same.</p>
            ) : (
              <ul>
                {compared.changes.map((change) => (
                  <li key={`${change.kind}-${change.t0_ms}-${change.t1_ms}`} className={`affect-diff-${change.kind}`}>
                    <strong>{change.kind}</strong> {formatTime(change.t0_ms)}–{formatTime(change.t1_ms)}:{" "}
                    {change.before && <del>{segmentSummary(change.before) || "nothing coded"}</del>}
                    {change.before && change.after && " → "}
                    {change.after && <ins>{segmentSummary(change.after) || "nothing coded"}</ins>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </details>
    </section>
  );
}
