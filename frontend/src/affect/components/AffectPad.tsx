import type { KeyboardEvent as ReactKeyboardEvent, PointerEvent as ReactPointerEvent } from "react";
import { padToValues } from "../traces";

export interface PadValue {
  valence: number;
  arousal: number;
}

interface AffectPadProps {
  value: PadValue | null;
  recording: boolean;
  editable: boolean;
  onMove: (value: PadValue) => void;
  /** Put the pad's point on the selected segment; absent when no segment is selected. */
  onApply?: () => void;
}

const STEP = 0.1;
const BIG_STEP = 0.25;
const round = (v: number) => Math.round(Math.max(-1, Math.min(1, v)) * 100) / 100;

function describe(v: number, negative: string, positive: string): string {
  if (Math.abs(v) < 0.005) return "neutral";
  return v > 0 ? positive : negative;
}

/** "valence 0.50 (positive), arousal -0.20 (calm)": what a screen reader hears. */
export function padValueText(value: PadValue | null): string {
  if (!value) return "not set: use the arrow keys";
  return (
    `valence ${value.valence.toFixed(2)} (${describe(value.valence, "negative", "positive")}), ` +
    `arousal ${value.arousal.toFixed(2)} (${describe(value.arousal, "calm", "aroused")})`
  );
}

/** The arrow keys' move on the pad: ←/→ valence, ↑/↓ arousal, Shift for big steps, Home centre. */
export function padKey(value: PadValue | null, key: string, shift: boolean): PadValue | null {
  const from = value ?? { valence: 0, arousal: 0 };
  const step = shift ? BIG_STEP : STEP;
  switch (key) {
    case "ArrowLeft":
      return { ...from, valence: round(from.valence - step) };
    case "ArrowRight":
      return { ...from, valence: round(from.valence + step) };
    case "ArrowUp":
      return { ...from, arousal: round(from.arousal + step) };
    case "ArrowDown":
      return { ...from, arousal: round(from.arousal - step) };
    case "Home":
      return { valence: 0, arousal: 0 };
    default:
      return null;
  }
}

/**
 * Valence (x) × arousal (y) pad. The page records the point into the traces, one value per
 * video frame, while V is held and the video plays. The pad is a focusable slider: the arrow
 * keys move the point, so it works without a mouse.
 */
export function AffectPad({ value, recording, editable, onMove, onApply }: AffectPadProps) {
  const track = (event: ReactPointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    onMove(padToValues(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height));
  };
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const next = padKey(value, event.key, event.shiftKey);
    if (!next) return;
    event.preventDefault();
    onMove(next);
  };
  return (
    <section className="panel affect-pad-panel" aria-labelledby="affect-pad-heading">
      <h2 id="affect-pad-heading">Valence / arousal</h2>
      <div
        className={`affect-pad${recording ? " affect-pad-recording" : ""}`}
        onPointerMove={track}
        onPointerDown={track}
        onKeyDown={onKeyDown}
        data-testid="affect-pad"
        role="slider"
        tabIndex={0}
        aria-label="Valence and arousal pad"
        aria-roledescription="2D slider"
        aria-valuemin={-1}
        aria-valuemax={1}
        aria-valuenow={value?.valence ?? 0}
        aria-valuetext={padValueText(value)}
        aria-describedby="affect-pad-help"
      >
        <span className="affect-pad-axis affect-pad-x" />
        <span className="affect-pad-axis affect-pad-y" />
        <span className="affect-pad-label affect-pad-top" aria-hidden="true">
          aroused
        </span>
        <span className="affect-pad-label affect-pad-bottom" aria-hidden="true">
          calm
        </span>
        <span className="affect-pad-label affect-pad-left" aria-hidden="true">
          negative
        </span>
        <span className="affect-pad-label affect-pad-right" aria-hidden="true">
          positive
        </span>
        {value && (
          <span
            className="affect-pad-dot"
            style={{ left: `${(value.valence + 1) * 50}%`, top: `${(1 - value.arousal) * 50}%` }}
          />
        )}
      </div>
      <p className="muted affect-pad-help" id="affect-pad-help">
        {editable
          ? recording
            ? "Recording…"
            : "Arrow keys or the mouse move the point; hold V while the video plays to record it."
          : "Read-only."}
      </p>
      <p className="affect-pad-value" data-testid="pad-value" aria-live="polite">
        {value ? `v ${value.valence.toFixed(2)} · a ${value.arousal.toFixed(2)}` : "\u00a0"}
      </p>
      {editable && onApply && (
        <button
          type="button"
          className="button-secondary button-small"
          onClick={onApply}
          disabled={!value}
          data-testid="pad-apply"
        >
          Set on selected segment
        </button>
      )}
    </section>
  );
}
