import type { PointerEvent as ReactPointerEvent } from "react";
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
}

/**
 * Valence (x) × arousal (y) pad. The page records the pointer's position into the traces, one
 * value per video frame, while V is held and the video plays.
 */
export function AffectPad({ value, recording, editable, onMove }: AffectPadProps) {
  const track = (event: ReactPointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    onMove(padToValues(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height));
  };
  return (
    <section className="panel affect-pad-panel" aria-label="Valence and arousal">
      <h2>Valence / arousal</h2>
      <div
        className={`affect-pad${recording ? " affect-pad-recording" : ""}`}
        onPointerMove={track}
        onPointerDown={track}
        data-testid="affect-pad"
        role="img"
        aria-label={
          value
            ? `valence ${value.valence.toFixed(2)}, arousal ${value.arousal.toFixed(2)}`
            : "valence and arousal pad"
        }
      >
        <span className="affect-pad-axis affect-pad-x" />
        <span className="affect-pad-axis affect-pad-y" />
        <span className="affect-pad-label affect-pad-top">aroused</span>
        <span className="affect-pad-label affect-pad-bottom">calm</span>
        <span className="affect-pad-label affect-pad-left">negative</span>
        <span className="affect-pad-label affect-pad-right">positive</span>
        {value && (
          <span
            className="affect-pad-dot"
            style={{ left: `${(value.valence + 1) * 50}%`, top: `${(1 - value.arousal) * 50}%` }}
          />
        )}
      </div>
      <p className="muted affect-pad-help">
        {editable
          ? recording
            ? "Recording…"
            : "Hold V while the video plays and move the mouse here."
          : "Read-only."}
        {value && ` v ${value.valence.toFixed(2)} · a ${value.arousal.toFixed(2)}`}
      </p>
    </section>
  );
}
