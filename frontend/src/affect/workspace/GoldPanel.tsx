import { useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { affectApi, type GoldRequest, type Layer, type Segment, type Video } from "../api";
import { segmentSummary } from "../components/Timeline";
import type { LabelSchema } from "../schema";
import { formatTime } from "../timeline";

interface GoldPanelProps {
  slug: string;
  video: Video;
  layers: Layer[];
  username: string;
  labels: LabelSchema;
  onBuilt: () => void;
  onSeek: (ms: number) => void;
}

/** The segment of `layer` under `ms`, if any. */
function segmentAt(layer: Layer, ms: number): Segment | undefined {
  return layer.segments.find((s) => s.t0_ms <= ms && ms < s.t1_ms);
}

/**
 * Adjudication: build the manager's gold layer from the coder layers (majority vote per frame,
 * or one chosen coder's annotations), then review it segment by segment against each coder.
 */
export function GoldPanel(props: GoldPanelProps) {
  const { slug, video, layers, username, labels, onBuilt, onSeek } = props;
  const coders = layers.filter((l) => l.kind === "coder");
  const gold = layers.find((l) => l.kind === "gold" && l.annotator === username) ?? null;
  const [method, setMethod] = useState<"majority" | "coder">("majority");
  const [tieBreak, setTieBreak] = useState("");
  const [coder, setCoder] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [built, setBuilt] = useState<Layer | null>(null);
  const shown = built && gold && gold.version > built.version ? gold : (built ?? gold);

  const build = async () => {
    const body: GoldRequest = { method };
    if (method === "majority" && tieBreak) body.tie_break = tieBreak;
    if (method === "coder") {
      body.assignments = [{ t0_ms: 0, t1_ms: video.duration_ms, annotator: coder }];
    }
    if (gold) body.version = gold.version;
    setBusy(true);
    setError(null);
    try {
      setBuilt(await affectApi.gold(slug, video.id, body));
      onBuilt();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel affect-gold" aria-labelledby="gold-heading" data-testid="gold-panel">
      <h2 id="gold-heading">Gold layer</h2>
      {coders.length === 0 ? (
        <p className="muted">No coder has saved a layer on this video yet.</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void build();
          }}
        >
          <fieldset className="affect-gold-method">
            <legend>Build from the {coders.length} coder layer(s)</legend>
            <label>
              <input
                type="radio"
                name="gold-method"
                checked={method === "majority"}
                onChange={() => setMethod("majority")}
              />{" "}
              Majority vote per frame
            </label>
            <label>
              <input
                type="radio"
                name="gold-method"
                checked={method === "coder"}
                onChange={() => setMethod("coder")}
              />{" "}
              One coder's annotations
            </label>
          </fieldset>
          {method === "majority" ? (
            <label>
              Tie-break coder
              <select value={tieBreak} onChange={(event) => setTieBreak(event.target.value)}>
                <option value="">none (a tie stays uncoded)</option>
                {coders.map((l) => (
                  <option key={l.id} value={l.annotator}>
                    {l.annotator}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label>
              Coder
              <select
                value={coder}
                onChange={(event) => setCoder(event.target.value)}
                required
                data-testid="gold-coder"
              >
                <option value="">choose…</option>
                {coders.map((l) => (
                  <option key={l.id} value={l.annotator}>
                    {l.annotator}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" disabled={busy || (method === "coder" && !coder)}>
            {gold ? "Rebuild gold layer" : "Build gold layer"}
          </button>
        </form>
      )}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <p role="status" aria-live="polite" data-testid="gold-status">
        {shown
          ? `Gold layer version ${shown.version}: ${shown.segments.length} segment(s), by ${shown.updated_by}.`
          : ""}
      </p>
      {shown && shown.segments.length > 0 && (
        <div className="table-scroll">
          <table className="affect-gold-review" data-testid="gold-review">
            <caption className="visually-hidden">
              Gold segments against each coder at the segment's middle
            </caption>
            <thead>
              <tr>
                <th scope="col">Span</th>
                <th scope="col">Gold</th>
                {coders.map((l) => (
                  <th scope="col" key={l.id}>
                    {l.annotator}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.segments.map((segment, i) => {
                const middle = (segment.t0_ms + segment.t1_ms) / 2;
                const summary = segmentSummary(segment) || "—";
                return (
                  <tr key={`${segment.t0_ms}-${i}`} data-testid="gold-row">
                    <th scope="row">
                      <button
                        type="button"
                        className="button-secondary button-small"
                        onClick={() => onSeek(segment.t0_ms)}
                      >
                        <span className="visually-hidden">Play </span>
                        {formatTime(segment.t0_ms)}–{formatTime(segment.t1_ms)}
                      </button>
                    </th>
                    <td>{summary}</td>
                    {coders.map((l) => {
                      const theirs = segmentAt(l, middle);
                      const text = theirs ? segmentSummary(theirs) || "—" : "—";
                      return (
                        <td key={l.id} className={text === summary ? undefined : "affect-gold-differs"}>
                          {text}
                          {text !== summary && <span className="visually-hidden"> (differs)</span>}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">AUs voted on: the schema's {labels.actionUnits.length}.</p>
    </section>
  );
}
