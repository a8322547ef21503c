import {
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from "react";
import type { Segment } from "../api";
import { intensityLetter } from "../schema";
import {
  formatTime,
  makeSegment,
  resizeSegment,
  tickStep,
  timeToX,
  xToTime,
  type Edge,
  type Limits,
  type View,
} from "../timeline";

export interface TimelineRow {
  id: string;
  label: string;
  segments: Segment[];
  /** The user's own layer: drag to create, drag edges to resize. Others are read-only. */
  editable: boolean;
  /** Frame-level valence/arousal to draw under the row. */
  traces?: { name: string; values: (number | null)[]; fps: number }[];
}

interface TimelineProps {
  rows: TimelineRow[];
  limits: Limits;
  currentMs: number;
  inPointMs: number | null;
  /** Index into the editable row's segments. */
  selected: number | null;
  onSeek: (ms: number) => void;
  onSelect: (index: number | null) => void;
  onCreate: (segment: Segment) => void;
  onResize: (index: number, segment: Segment) => void;
  /** Keyboard on a focused own segment: Delete removes it. */
  onDelete?: (index: number) => void;
  /** Keyboard on a focused own segment: [ ] { } move its edges by a frame. */
  onNudge?: (index: number, edge: Edge, frames: number) => void;
}

const NUDGES: Record<string, [Edge, number]> = {
  "[": ["start", -1],
  "{": ["start", 1],
  "]": ["end", 1],
  "}": ["end", -1],
};

type Drag =
  | { mode: "seek"; rect: DOMRect; view: View }
  | { mode: "create"; rect: DOMRect; view: View; startMs: number; startX: number }
  | { mode: "resize"; rect: DOMRect; view: View; index: number; edge: Edge; original: Segment };

const ZOOMS = [1, 2, 4, 8, 16, 32];
const DRAG_THRESHOLD_PX = 4;

/** What a screen reader says for a segment: its span and its codes. */
export function segmentLabel(segment: Segment): string {
  const summary = segmentSummary(segment);
  return `${formatTime(segment.t0_ms)} to ${formatTime(segment.t1_ms)}${summary ? `: ${summary}` : ", nothing coded"}`;
}

export function segmentSummary(segment: Segment): string {
  const aus = Object.entries(segment.aus)
    .map(([code, value]) => `${code.replace("AU", "")}${intensityLetter(value)}`)
    .join(" ");
  return [aus, segment.emotion].filter(Boolean).join(" · ");
}

/** One row per layer; time runs left to right over the visible window of the video. */
export function Timeline(props: TimelineProps) {
  const { rows, limits, currentMs, inPointMs, selected } = props;
  const [zoom, setZoom] = useState(1);
  const [preview, setPreview] = useState<Segment | null>(null);
  const drag = useRef<Drag | null>(null);
  // The focused segment of each read-only row (roving tabindex); the own row follows `selected`.
  const [active, setActive] = useState<Record<string, number>>({});

  const duration = Math.max(1, limits.durationMs);
  const span = duration / zoom;
  const start = Math.min(Math.max(0, currentMs - span / 2), duration - span);
  const liveView: View = { start, end: start + span };
  // While dragging, the window stays put so the pointer keeps meaning the same time.
  const view = drag.current?.view ?? liveView;
  const pct = (ms: number) => `${timeToX(ms, view, 100)}%`;

  const timeOf = (event: ReactPointerEvent, state: Drag) =>
    xToTime(event.clientX - state.rect.left, state.view, state.rect.width);

  const begin = (event: ReactPointerEvent<HTMLElement>, state: Drag) => {
    event.preventDefault();
    drag.current = state;
    event.currentTarget.setPointerCapture?.(event.pointerId);
  };

  const onRulerDown = (event: ReactPointerEvent<HTMLElement>) => {
    if (event.button !== 0) return;
    const state: Drag = { mode: "seek", rect: event.currentTarget.getBoundingClientRect(), view };
    begin(event, state);
    props.onSeek(timeOf(event, state));
  };

  const onTrackDown = (event: ReactPointerEvent<HTMLElement>, row: TimelineRow) => {
    if (event.button !== 0) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const target = event.target as HTMLElement;
    const segmentEl = target.closest<HTMLElement>("[data-index]");
    if (row.editable && segmentEl) {
      const index = Number(segmentEl.dataset.index);
      const segment = row.segments[index];
      props.onSelect(index);
      const edge = target.dataset.edge as Edge | undefined;
      if (segment && edge) begin(event, { mode: "resize", rect, view, index, edge, original: segment });
      return;
    }
    const state: Drag = row.editable
      ? { mode: "create", rect, view, startMs: 0, startX: event.clientX }
      : { mode: "seek", rect, view };
    if (state.mode === "create") state.startMs = timeOf(event, state);
    begin(event, state);
  };

  const onMove = (event: ReactPointerEvent<HTMLElement>) => {
    const state = drag.current;
    if (!state) return;
    const ms = timeOf(event, state);
    if (state.mode === "seek") props.onSeek(ms);
    else if (state.mode === "resize")
      props.onResize(state.index, resizeSegment(state.original, state.edge, ms, limits));
    else if (Math.abs(event.clientX - state.startX) >= DRAG_THRESHOLD_PX)
      setPreview(makeSegment(state.startMs, ms, limits));
  };

  const onUp = (event: ReactPointerEvent<HTMLElement>) => {
    const state = drag.current;
    drag.current = null;
    if (!state) return;
    if (state.mode === "create") {
      const ms = timeOf(event, state);
      setPreview(null);
      if (Math.abs(event.clientX - state.startX) < DRAG_THRESHOLD_PX) {
        props.onSelect(null);
        props.onSeek(ms);
      } else {
        const segment = makeSegment(state.startMs, ms, limits);
        if (segment) props.onCreate(segment);
      }
    }
  };

  const onCancel = () => {
    drag.current = null;
    setPreview(null);
  };

  const focusSegment = (track: HTMLElement | null, index: number) => {
    // The segment may only render once the view has followed the seek.
    requestAnimationFrame(() =>
      track?.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus(),
    );
  };

  const onSegmentKey = (
    event: ReactKeyboardEvent<HTMLElement>,
    row: TimelineRow,
    index: number,
  ) => {
    const count = row.segments.length;
    const track = event.currentTarget.parentElement;
    const go = (target: number) => {
      const next = Math.min(count - 1, Math.max(0, target));
      const segment = row.segments[next];
      if (!segment) return;
      if (row.editable) props.onSelect(next);
      else setActive((previous) => ({ ...previous, [row.id]: next }));
      props.onSeek(segment.t0_ms + 1);
      focusSegment(track, next);
    };
    const nudge = NUDGES[event.key];
    let handled = true;
    if (event.key === "ArrowLeft" || event.key === "ArrowUp") go(index - 1);
    else if (event.key === "ArrowRight" || event.key === "ArrowDown") go(index + 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(count - 1);
    else if (event.key === "Enter" || event.key === " ") go(index);
    else if (row.editable && (event.key === "Delete" || event.key === "Backspace")) {
      props.onDelete?.(index);
      focusSegment(track, Math.max(0, Math.min(index, count - 2)));
    } else if (row.editable && nudge) {
      props.onNudge?.(index, nudge[0], nudge[1]);
      focusSegment(track, index);
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const step = tickStep(span);
  const ticks: number[] = [];
  for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) ticks.push(t);
  const playheadVisible = currentMs >= view.start && currentMs <= view.end;

  return (
    <div className="affect-timeline" data-testid="timeline">
      <div className="affect-tl-toolbar">
        <span className="muted">
          {formatTime(view.start)} – {formatTime(view.end)}
        </span>
        <span className="affect-tl-zoom" role="group" aria-label="Zoom">
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() => setZoom((z) => ZOOMS[Math.max(0, ZOOMS.indexOf(z) - 1)] ?? 1)}
            disabled={zoom === ZOOMS[0]}
            aria-label="Zoom out"
          >
            −
          </button>
          <span className="muted">{zoom}×</span>
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() =>
              setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, ZOOMS.indexOf(z) + 1)] ?? z)
            }
            disabled={zoom === ZOOMS[ZOOMS.length - 1]}
            aria-label="Zoom in"
          >
            +
          </button>
        </span>
      </div>
      <div className="affect-tl-row affect-tl-ruler-row">
        <div className="affect-tl-label" />
        <div
          className="affect-tl-track affect-tl-ruler"
          onPointerDown={onRulerDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={onCancel}
          data-testid="timeline-ruler"
        >
          {ticks.map((t) => (
            <span key={t} className="affect-tl-tick" style={{ left: pct(t) }}>
              {formatTime(t).replace(/\.?0+$/, "")}
            </span>
          ))}
          {playheadVisible && <span className="affect-tl-playhead" style={{ left: pct(currentMs) }} />}
        </div>
      </div>
      {rows.map((row) => (
        <div
          key={row.id}
          className={`affect-tl-row ${row.editable ? "affect-tl-own" : "affect-tl-other"}`}
          data-testid={row.editable ? "own-layer-row" : `layer-row-${row.label}`}
        >
          <div className="affect-tl-label" title={row.label}>
            {row.label}
            {!row.editable && <span className="visually-hidden"> (read-only)</span>}
          </div>
          <div
            className="affect-tl-track"
            role={row.segments.length ? "listbox" : undefined}
            aria-label={row.segments.length ? `Segments of ${row.label}` : undefined}
            onPointerDown={(event) => onTrackDown(event, row)}
            onPointerMove={onMove}
            onPointerUp={onUp}
            onPointerCancel={onCancel}
          >
            {row.segments.map((segment, index) => {
              if (segment.t1_ms < view.start || segment.t0_ms > view.end) return null;
              const isSelected = row.editable && index === selected;
              const wanted = row.editable ? (selected ?? 0) : (active[row.id] ?? 0);
              const inView = (i: number) => {
                const s = row.segments[i];
                return s !== undefined && s.t1_ms >= view.start && s.t0_ms <= view.end;
              };
              // The Tab stop is the selected (or last focused) segment, or the first one in view.
              const rover = inView(wanted) ? wanted : row.segments.findIndex((_, i) => inView(i));
              return (
                <div
                  key={`${segment.t0_ms}-${segment.t1_ms}-${index}`}
                  className={`affect-seg${isSelected ? " affect-seg-selected" : ""}`}
                  role="option"
                  aria-selected={row.editable ? isSelected : index === rover}
                  aria-label={segmentLabel(segment)}
                  tabIndex={index === rover ? 0 : -1}
                  onKeyDown={(event) => onSegmentKey(event, row, index)}
                  onFocus={() => {
                    if (row.editable && selected !== index) props.onSelect(index);
                  }}
                  style={{
                    left: pct(segment.t0_ms),
                    width: `${timeToX(segment.t1_ms, view, 100) - timeToX(segment.t0_ms, view, 100)}%`,
                  }}
                  data-index={index}
                  data-testid="segment"
                  title={`${formatTime(segment.t0_ms)}–${formatTime(segment.t1_ms)} ${segmentSummary(segment)}`}
                >
                  {row.editable && <span className="affect-seg-edge affect-seg-start" data-edge="start" />}
                  <span className="affect-seg-text">{segmentSummary(segment)}</span>
                  {row.editable && <span className="affect-seg-edge affect-seg-end" data-edge="end" />}
                </div>
              );
            })}
            {row.editable && preview && (
              <div
                className="affect-seg affect-seg-preview"
                style={{
                  left: pct(preview.t0_ms),
                  width: `${timeToX(preview.t1_ms, view, 100) - timeToX(preview.t0_ms, view, 100)}%`,
                }}
              />
            )}
            {row.editable && inPointMs !== null && (
              <span
                className="affect-tl-inpoint"
                style={{ left: pct(inPointMs) }}
                title={`In-point ${formatTime(inPointMs)}`}
              />
            )}
            {playheadVisible && (
              <span className="affect-tl-playhead" style={{ left: pct(currentMs) }} />
            )}
          </div>
          {row.traces?.map((trace) => (
            <TraceStrip key={trace.name} {...trace} view={view} />
          ))}
        </div>
      ))}
    </div>
  );
}

/** A thin line chart of one trace (−1..1) inside the row, for the visible window. */
function TraceStrip({
  name,
  values,
  fps,
  view,
}: {
  name: string;
  values: (number | null)[];
  fps: number;
  view: View;
}) {
  const first = Math.max(0, Math.floor((view.start * fps) / 1000));
  const last = Math.min(values.length - 1, Math.ceil((view.end * fps) / 1000));
  const stride = Math.max(1, Math.floor((last - first) / 600));
  const parts: string[] = [];
  let run: string[] = [];
  for (let i = first; i <= last; i += stride) {
    const v = values[i];
    if (v == null) {
      if (run.length > 1) parts.push(run.join(" "));
      run = [];
      continue;
    }
    const x = timeToX((i * 1000) / fps, view, 1000);
    run.push(`${x.toFixed(1)},${(50 - v * 45).toFixed(1)}`);
  }
  if (run.length > 1) parts.push(run.join(" "));
  return (
    <>
      <div className="affect-tl-label affect-tl-sublabel">{name}</div>
      <svg
        className={`affect-tl-trace affect-trace-${name}`}
        viewBox="0 0 1000 100"
        preserveAspectRatio="none"
        aria-label={`${name} trace`}
        role="img"
      >
        <line x1="0" x2="1000" y1="50" y2="50" className="affect-tl-trace-zero" />
        {parts.map((points, i) => (
          <polyline key={i} points={points} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
    </>
  );
}
