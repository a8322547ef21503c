import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useJob } from "../../hooks/useJob";
import { affectApi, type Layer, type LayerDetail, type Segment, type AuEvent } from "../api";
import {
  auFrames,
  faceApi,
  suggestionLabel,
  suggestionSpan,
  type Decision,
  type Suggestion,
} from "../faceApi";
import { formatTime } from "../timeline";
import { TraceChart } from "./TraceChart";

interface FacePanelProps {
  slug: string;
  videoId: string;
  username: string;
  fps: number;
  frameCount: number;
  durationMs: number;
  layers: Layer[];
  own: { segments: Segment[]; events: AuEvent[]; traces: Record<string, { values: (number | null)[] }> };
  ownDirty: boolean;
  editable: boolean;
  manager: boolean;
  onSeek: (ms: number) => void;
  /** The coder's own layer as the server holds it after an accepted suggestion was added. */
  onOwnChanged: (layer: LayerDetail) => void;
}

const W = 640;
const H = 90;

/** One AU's intensity (0..5) over the video: the machine's trace beside the coder's own. */
function AuCurve({
  au,
  machine,
  human,
  durationMs,
  fps,
}: {
  au: string;
  machine: (number | null)[];
  human: number[];
  durationMs: number;
  fps: number;
}) {
  const path = (values: (number | null)[]) => {
    const stride = Math.max(1, Math.ceil(values.length / 600));
    let d = "";
    let pen = false;
    for (let i = 0; i < values.length; i += stride) {
      const v = values[i];
      if (v == null) {
        pen = false;
        continue;
      }
      const x = ((i * 1000) / fps / Math.max(durationMs, 1)) * W;
      const y = H - 4 - (Math.max(0, Math.min(5, v)) / 5) * (H - 8);
      d += `${pen ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  return (
    <figure className="affect-trace-chart" data-testid={`au-curve-${au}`}>
      <figcaption>
        {au} intensity: <span style={{ color: "#2563eb" }}>machine</span> ·{" "}
        <span style={{ color: "#dc2626" }}>you</span>
      </figcaption>
      <svg width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${au} intensity curves`}>
        <path d={path(human)} fill="none" stroke="#dc2626" strokeWidth={1.5} />
        <path d={path(machine)} fill="none" stroke="#2563eb" strokeWidth={1.5} />
      </svg>
    </figure>
  );
}

/**
 * The machine's side of the workspace: its AU and valence/arousal curves beside the coder's,
 * its suggested events to accept (Y or Enter) or reject (R), J/K to move, with the list focused;
 * and, for managers, coding the video and training from their own codes.
 */
export function FacePanel(props: FacePanelProps) {
  const { slug, videoId, username, fps, frameCount, durationMs, layers, own, onSeek } = props;
  const machineLayers = useMemo(() => layers.filter((l) => l.kind === "model"), [layers]);
  const [machine, setMachine] = useState<LayerDetail | null>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [cursor, setCursor] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);
  const listRef = useRef<HTMLOListElement>(null);

  const load = useCallback(() => {
    faceApi.suggestions(slug, videoId).then(setSuggestions, setError);
    if (machineLayers[0]) affectApi.layers.get(slug, videoId, machineLayers[0].id).then(setMachine, setError);
  }, [slug, videoId, machineLayers]);
  useEffect(load, [load]);
  useEffect(() => {
    if (job.done && job.job) {
      const training = job.job.kind === "ml.train";
      if (job.job.state === "succeeded") {
        // The machine layer arrives over the project socket; the suggestions are fetched here.
        if (!training) load();
        setNote(
          training
            ? "Training finished: the new model version codes the video when you press “Code this video”."
            : "Coding finished: the machine's suggestions are listed below.",
        );
      } else {
        setNote(`The job ${job.job.state}: ${JSON.stringify(job.job.error)}`);
      }
    }
    // Only a job that has just ended should refresh; load changes with the layer list.
  }, [job.done, job.job]);

  const decide = async (index: number, decision: Decision) => {
    const s = suggestions[index];
    if (!s || s.status !== "pending") return;
    if (decision !== "reject" && props.ownDirty) {
      setNote("Save your layer first: an accepted suggestion is added to it on the server.");
      return;
    }
    try {
      const decided = await faceApi.decide(slug, videoId, s.layer, s.key, decision);
      setSuggestions((all) =>
        all.map((x, i) => (i === index ? { ...x, status: decision === "reject" ? "rejected" : "accepted" } : x)),
      );
      setCursor(Math.min(index + 1, suggestions.length - 1));
      if (decided.target_layer) {
        // The server added it to the coder's layer: show that layer as it is now, no reload.
        props.onOwnChanged(await affectApi.layers.get(slug, videoId, decided.target_layer));
        setNote("Added to your layer.");
      }
    } catch (e) {
      setError(e);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const key = event.key.toLowerCase();
    const handled = ["y", "enter", "r", "j", "k"].includes(key);
    if (!handled) return;
    // The workspace's own hotkeys listen on window; these keys belong to the list here.
    event.preventDefault();
    event.stopPropagation();
    if (key === "j") setCursor((c) => Math.min(c + 1, suggestions.length - 1));
    if (key === "k") setCursor((c) => Math.max(c - 1, 0));
    if (!props.editable) return;
    if (key === "y" || key === "enter") void decide(cursor, "accept");
    if (key === "r") void decide(cursor, "reject");
  };

  useEffect(() => {
    const s = suggestions[cursor];
    if (s && listRef.current?.contains(document.activeElement)) onSeek(suggestionSpan(s)[0]);
    // Seeking follows the cursor only while the list has the focus.
  }, [cursor]);

  const start = async (which: "code" | "train") => {
    try {
      const started = which === "code" ? await faceApi.code(slug, videoId) : await faceApi.train(slug, username);
      setJobId(started.id);
      setNote(which === "code" ? "Coding the video…" : "Training from your codes…");
    } catch (e) {
      setError(e);
    }
  };

  const traces = machine?.traces ?? {};
  const aus = Object.keys(traces).filter((t) => t.startsWith("AU"));
  const pending = suggestions.filter((s) => s.status === "pending").length;

  return (
    <section className="panel affect-face-panel" data-testid="face-panel" aria-label="Machine coding">
      <h3>Machine coding {machine ? `· ${machine.annotator}` : ""}</h3>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {note && (
        <p className="affect-hint" aria-live="polite" data-testid="face-note">
          {note}
        </p>
      )}
      {props.manager && (
        <div className="list-actions">
          <button type="button" className="button-secondary" onClick={() => void start("code")}>
            Code this video
          </button>
          <button type="button" className="button-secondary" onClick={() => void start("train")}>
            Train from my codes
          </button>
          {jobId && job.job && !job.done && (
            <span className="muted">{Math.round(job.job.progress * 100)}%</span>
          )}
        </div>
      )}
      {machineLayers.length === 0 ? (
        <p className="muted">No machine layer on this video yet.</p>
      ) : (
        <>
          <p className="muted" data-testid="suggestion-count">
            {suggestions.length} suggestions, {pending} pending. Focus the list: Y/Enter accept,
            R reject, J/K next/previous.
          </p>
          <ol
            ref={listRef}
            className="affect-suggestions"
            tabIndex={0}
            onKeyDown={onKeyDown}
            data-testid="suggestions"
            aria-label="Suggested segments"
          >
            {suggestions.map((s, i) => {
              const [t0, t1] = suggestionSpan(s);
              return (
                <li
                  key={`${s.layer}:${s.key}`}
                  aria-current={i === cursor}
                  data-status={s.status}
                  data-testid="suggestion"
                  style={{ fontWeight: i === cursor ? 600 : 400 }}
                  onClick={() => {
                    setCursor(i);
                    onSeek(t0);
                  }}
                >
                  {suggestionLabel(s)} {formatTime(t0)}–{formatTime(t1)}
                  {s.probability != null && ` · p=${s.probability.toFixed(2)}`} ·{" "}
                  <span className="muted">{s.status}</span>
                  {props.editable && s.status === "pending" && (
                    <>
                      {" "}
                      <button type="button" className="button-small" onClick={() => void decide(i, "accept")}>
                        Accept
                      </button>{" "}
                      <button
                        type="button"
                        className="button-small button-secondary"
                        onClick={() => void decide(i, "reject")}
                      >
                        Reject
                      </button>
                    </>
                  )}
                </li>
              );
            })}
          </ol>
          {aus.map((au) => (
            <AuCurve
              key={au}
              au={au}
              machine={traces[au]?.values ?? []}
              human={auFrames(own.segments, own.events, au, fps, frameCount)}
              durationMs={durationMs}
              fps={fps}
            />
          ))}
          {(["valence", "arousal"] as const)
            .filter((d) => traces[d])
            .map((d) => (
              <TraceChart
                key={d}
                title={`${d}: machine beside you`}
                fps={fps}
                durationMs={durationMs}
                lines={[
                  { coder: machine?.annotator ?? "machine", values: traces[d]?.values ?? [] },
                  ...(own.traces[d] ? [{ coder: username, values: own.traces[d]?.values ?? [] }] : []),
                ]}
              />
            ))}
        </>
      )}
    </section>
  );
}
