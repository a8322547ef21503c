import { useEffect, useState } from "react";
import { faceApi, nearestFrame, type FaceTracks } from "../faceApi";

interface FaceOverlayProps {
  slug: string;
  videoId: string;
  fps: number;
  width: number;
  height: number;
  currentMs: number;
}

const WINDOW_MS = 10_000;
const COLORS = ["#4ade80", "#f472b6", "#60a5fa", "#facc15", "#fb923c", "#c084fc"];

/**
 * Face boxes and contour landmarks of the machine's face tracks over the player, toggled by its
 * own button. Tracks are read 10 s at a time around the playhead; the SVG's viewBox is the
 * video's size with `meet`, so it lines up with the letterboxed picture.
 */
export function FaceOverlay({ slug, videoId, fps, width, height, currentMs }: FaceOverlayProps) {
  const [shown, setShown] = useState(false);
  const [tracks, setTracks] = useState<{ t0: number; data: FaceTracks } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const windowStart = Math.floor(currentMs / WINDOW_MS) * WINDOW_MS;

  useEffect(() => {
    if (!shown || tracks?.t0 === windowStart) return;
    let live = true;
    faceApi.tracks(slug, videoId, windowStart, windowStart + WINDOW_MS).then(
      (data) => live && (setTracks({ t0: windowStart, data }), setError(null)),
      () => live && setError("Faces could not be loaded."),
    );
    return () => {
      live = false;
    };
  }, [shown, slug, videoId, windowStart, tracks?.t0]);

  const frame = Math.floor((currentMs * fps) / 1000 + 1e-6);
  const faces = shown && tracks ? tracks.data.subjects : [];
  const visible = faces
    .map((s) => ({ s, i: nearestFrame(s, frame) }))
    .filter(({ i }) => i >= 0);

  return (
    <>
      <button
        type="button"
        className="button-small button-secondary"
        style={{ position: "absolute", top: 6, right: 6, zIndex: 2 }}
        aria-pressed={shown}
        onClick={() => setShown((v) => !v)}
        data-testid="face-overlay-toggle"
        title="Show the faces the machine tracked"
      >
        {shown ? "Hide faces" : "Show faces"}
      </button>
      {shown && (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          preserveAspectRatio="xMidYMid meet"
          style={{ position: "absolute", inset: 0, width: "100%", height: "100%", pointerEvents: "none" }}
          data-testid="face-overlay"
          aria-label={`${visible.length} face(s) at this frame`}
        >
          {visible.map(({ s, i }) => {
            const box = s.boxes[i];
            if (!box) return null;
            const [x, y, w, h] = box;
            const color = COLORS[(s.subject - 1) % COLORS.length];
            return (
              <g key={s.subject} data-testid="face-box" data-subject={s.subject}>
                <rect
                  x={x * width}
                  y={y * height}
                  width={w * width}
                  height={h * height}
                  fill="none"
                  stroke={color}
                  strokeWidth={2}
                />
                <text x={x * width} y={y * height - 4} fill={color} fontSize={14}>
                  subject {s.subject}
                </text>
                {(s.points[i] ?? []).map(([px, py], k) => (
                  <circle key={k} cx={px * width} cy={py * height} r={1.4} fill={color} />
                ))}
              </g>
            );
          })}
        </svg>
      )}
      {shown && error && (
        <p className="affect-hint" style={{ position: "absolute", bottom: 4, left: 8 }}>
          {error}
        </p>
      )}
    </>
  );
}
