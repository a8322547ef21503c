import type { Segment } from "../api";
import {
  DEFAULT_LABELS,
  INTENSITY_LETTERS,
  UNSCORABLE,
  intensityLetter,
  type ActionUnit,
  type LabelSchema,
} from "../schema";
import { formatTime } from "../timeline";

interface AuPanelProps {
  segment: Segment | null;
  editable: boolean;
  /** AU number typed so far, waiting for its intensity letter. */
  pendingDigits: string;
  fps: number;
  labels?: LabelSchema;
  onChange: (segment: Segment) => void;
  onDelete: () => void;
}

/** A level: its visible label, and words a screen reader adds after it. */
interface Level {
  value: number | null;
  label: string;
  extra: string;
}

const LEVELS: Level[] = [
  { value: null, label: "—", extra: " not coded" },
  { value: 0, label: "0", extra: " absent" },
  ...[...INTENSITY_LETTERS].map((letter) => ({ value: letter.charCodeAt(0) - 64, label: letter, extra: "" })),
  { value: UNSCORABLE, label: "X", extra: " unscorable" },
];

/** The selected segment's Action Units, emotion, valence/arousal and note. */
export function AuPanel(props: AuPanelProps) {
  const { segment, editable, pendingDigits, fps, onChange, onDelete } = props;
  const labels = props.labels ?? DEFAULT_LABELS;
  if (!segment) {
    return (
      <section className="panel affect-au-panel" aria-labelledby="au-panel-heading">
        <h2 id="au-panel-heading">Segment</h2>
        <p className="muted">
          Select a segment on your row (Tab to it, arrows between segments), or make one:{" "}
          <kbd>I</kbd> at the start, <kbd>O</kbd> at the end, the In/Out buttons, or drag on your
          row.
        </p>
        {pendingDigits && <p className="affect-pending">AU{pendingDigits}…</p>}
      </section>
    );
  }

  const setAu = (code: string, value: number | null) => {
    const aus = { ...segment.aus };
    if (value === null) delete aus[code];
    else aus[code] = value;
    onChange({ ...segment, aus });
  };
  const frames = Math.round(((segment.t1_ms - segment.t0_ms) * fps) / 1000);
  // AUs coded on the segment that the schema no longer lists stay visible (and removable).
  const listed = new Set(labels.actionUnits.map((au) => au.code));
  const extra: ActionUnit[] = Object.keys(segment.aus)
    .filter((code) => !listed.has(code))
    .map((code) => ({ number: Number(code.replace(/\D/g, "")), code, name: "(not in the schema)" }));
  const emotions = [...labels.emotions];
  if (segment.emotion && !emotions.includes(segment.emotion)) emotions.push(segment.emotion);
  const dims = Object.entries(segment.dimensions ?? {});

  return (
    <section className="panel affect-au-panel" aria-labelledby="au-panel-heading" data-testid="au-panel">
      <div className="affect-au-head">
        <h2 id="au-panel-heading">
          Segment {formatTime(segment.t0_ms)} – {formatTime(segment.t1_ms)}
        </h2>
        <span className="muted">{frames} frames</span>
        {editable && (
          <button type="button" className="button-secondary button-small" onClick={onDelete}>
            Delete segment
          </button>
        )}
      </div>
      {pendingDigits && (
        <p className="affect-pending" data-testid="pending-au">
          AU{pendingDigits}… type A–E (X unscorable, Delete removes)
        </p>
      )}
      <p className="muted affect-au-help">
        One Tab stop per AU; the arrow keys choose its level.
      </p>
      <div className="affect-au-list">
        {[...labels.actionUnits, ...extra].map((au) => {
          const value = segment.aus[au.code];
          const coded = value !== undefined;
          const labelId = `au-label-${au.code}`;
          return (
            <div
              key={au.code}
              role="radiogroup"
              aria-labelledby={labelId}
              className={`affect-au-row${coded ? " affect-au-coded" : ""}`}
              data-testid={`au-row-${au.code}`}
            >
              <span id={labelId} className="affect-au-label" title={`${au.code} ${au.name}`}>
                <span className="affect-au-number">{au.code}</span>{" "}
                <span className="affect-au-name">{au.name}</span>
              </span>
              <span className="affect-au-levels">
                {LEVELS.map((level) => {
                  const checked = level.value === null ? !coded : value === level.value;
                  return (
                    <label
                      key={level.label}
                      className={`affect-level${checked && level.value !== null ? " affect-level-on" : ""}`}
                    >
                      <input
                        type="radio"
                        className="affect-level-input"
                        name={`au-level-${au.code}`}
                        checked={checked}
                        disabled={!editable}
                        onChange={() => setAu(au.code, level.value)}
                      />
                      {level.label}
                      {level.extra && <span className="visually-hidden">{level.extra}</span>}
                    </label>
                  );
                })}
              </span>
              <span className="affect-au-value" data-testid={`au-value-${au.code}`}>
                {coded ? `${au.code}${intensityLetter(value)}` : ""}
              </span>
            </div>
          );
        })}
      </div>
      <div className="affect-segment-fields">
        <label>
          Emotion
          <select
            value={segment.emotion ?? ""}
            disabled={!editable}
            onChange={(event) => onChange({ ...segment, emotion: event.target.value || null })}
            data-testid="segment-emotion"
          >
            <option value="">—</option>
            {emotions.map((emotion) => (
              <option key={emotion} value={emotion}>
                {emotion}
              </option>
            ))}
          </select>
        </label>
        <div className="affect-segment-dims" data-testid="segment-dimensions">
          <span>Valence / arousal: </span>
          {dims.length ? dims.map(([name, v]) => `${name} ${v.toFixed(2)}`).join(", ") : "—"}
          {editable && dims.length > 0 && (
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => onChange({ ...segment, dimensions: {} })}
            >
              Clear valence / arousal
            </button>
          )}
        </div>
        {(labels.notes || segment.note) && (
          <label>
            Note
            <textarea
              rows={2}
              value={segment.note}
              disabled={!editable}
              onChange={(event) => onChange({ ...segment, note: event.target.value })}
            />
          </label>
        )}
      </div>
    </section>
  );
}
