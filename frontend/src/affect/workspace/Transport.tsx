import { formatTime, frameAt } from "../timeline";
import type { Player } from "./usePlayer";

const RATES = [0.25, 0.5, 1, 1.5, 2];

interface TransportProps {
  player: Player;
  fps: number;
  durationMs: number;
  editable: boolean;
  onMarkIn: () => void;
  onMarkOut: () => void;
}

/** Play, frame steps, the clock, in/out points and the playback rate, all as buttons. */
export function Transport({ player, fps, durationMs, editable, onMarkIn, onMarkOut }: TransportProps) {
  return (
    <div className="affect-transport">
      <button type="button" onClick={player.togglePlay} data-testid="play">
        {player.playing ? "Pause" : "Play"}
      </button>
      <button
        type="button"
        className="button-secondary"
        onClick={() => player.stepFrames(-1)}
        aria-label="Previous frame"
        title="Previous frame (,)"
      >
        ◀︎
      </button>
      <button
        type="button"
        className="button-secondary"
        onClick={() => player.stepFrames(1)}
        aria-label="Next frame"
        title="Next frame (.)"
      >
        ▶︎
      </button>
      <span className="affect-clock" data-testid="current-time">
        {formatTime(player.currentMs)} / {formatTime(durationMs)}
      </span>
      <span className="affect-clock" data-testid="current-frame">
        frame {frameAt(player.currentMs, fps)}
      </span>
      {editable && (
        <span className="affect-marks" role="group" aria-label="Segment from the playhead">
          <button type="button" className="button-secondary button-small" onClick={onMarkIn}>
            In-point
          </button>
          <button type="button" className="button-secondary button-small" onClick={onMarkOut}>
            Out-point
          </button>
        </span>
      )}
      <span className="affect-rates" role="group" aria-label="Playback rate">
        {RATES.map((r) => (
          <button
            key={r}
            type="button"
            className={`button-small ${r === player.rate ? "" : "button-secondary"}`}
            aria-pressed={r === player.rate}
            onClick={() => player.setRate(r)}
          >
            {r}×
          </button>
        ))}
      </span>
    </div>
  );
}
