import type { Segment } from "../api";
import { ACTION_UNITS, EMOTIONS, INTENSITY_LETTERS, UNSCORABLE, intensityLetter } from "../schema";
import { formatTime } from "../timeline";

interface AuPanelProps {
  segment: Segment | null;
  editable: boolean;
  /** AU number typed so far, waiting for its intensity letter. */
  pendingDigits: string;
  fps: number;
  onChange: (segment: Segment) => void;
  onDelete: () => void;
}

const LEVELS: { value: number; label: string; title: string }[] = [
  { value: 0, label: "0", title: "absent" },
  ...[...INTENSITY_LETTERS].map((letter, i) => ({
    value: i + 1,
    label: letter,
    title: `intensity ${letter}`,
  })),
  { value: UNSCORABLE, label: "X", title: "unscorable" },
];

/** The selected segment's Action Units, emotion and note. */
export function AuPanel({ segment, editable, pendingDigits, fps, onChange, onDelete }: AuPanelProps) {
  if (!segment) {
    return (
      <section className="panel affect-au-panel" aria-label="Segment">
        <h2>Segment</h2>
        <p className="muted">
          Select a segment on your row, or make one: <kbd>I</kbd> at the start, <kbd>O</kbd> at the
          end, or drag on your row.
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

  return (
    <section className="panel affect-au-panel" aria-label="Segment" data-testid="au-panel">
      <div className="affect-au-head">
        <h2>
          Segment {formatTime(segment.t0_ms)} – {formatTime(segment.t1_ms)}
        </h2>
        <span className="muted">{frames} frames</span>
        {editable && (
          <button type="button" className="button-secondary button-small" onClick={onDelete}>
            Delete
          </button>
        )}
      </div>
      {pendingDigits && (
        <p className="affect-pending" data-testid="pending-au">
          AU{pendingDigits}… type A–E (X unscorable, Delete removes)
        </p>
      )}
      <table className="affect-au-table">
        <tbody>
          {ACTION_UNITS.map((au) => {
            const value = segment.aus[au.code];
            const coded = value !== undefined;
            return (
              <tr
                key={au.code}
                className={coded ? "affect-au-coded" : undefined}
                data-testid={`au-row-${au.code}`}
              >
                <th scope="row" title={au.name}>
                  {au.number}
                </th>
                <td className="affect-au-name">{au.name}</td>
                <td className="affect-au-levels">
                  {LEVELS.map((level) => (
                    <button
                      key={level.value}
                      type="button"
                      className={`affect-level${value === level.value ? " affect-level-on" : ""}`}
                      aria-pressed={value === level.value}
                      aria-label={`${au.code} ${level.title}`}
                      title={`${au.code} ${level.title}`}
                      disabled={!editable}
                      onClick={() => setAu(au.code, value === level.value ? null : level.value)}
                    >
                      {level.label}
                    </button>
                  ))}
                </td>
                <td className="affect-au-value" data-testid={`au-value-${au.code}`}>
                  {coded ? `${au.code}${intensityLetter(value)}` : ""}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="affect-segment-fields">
        <label>
          Emotion
          <select
            value={segment.emotion ?? ""}
            disabled={!editable}
            onChange={(event) => onChange({ ...segment, emotion: event.target.value || null })}
          >
            <option value="">—</option>
            {EMOTIONS.map((emotion) => (
              <option key={emotion} value={emotion}>
                {emotion}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note
          <textarea
            rows={2}
            value={segment.note}
            disabled={!editable}
            onChange={(event) => onChange({ ...segment, note: event.target.value })}
          />
        </label>
      </div>
    </section>
  );
}
