import { coderColor } from "../colors";
import { formatTime } from "../timeline";

export interface TraceLine {
  coder: string;
  values: (number | null)[];
}

interface TraceChartProps {
  title: string;
  lines: TraceLine[];
  fps: number;
  durationMs: number;
}

const W = 640;
const H = 180;
const PAD_L = 34;
const PAD_R = 18;
const PAD_T = 10;
const PAD_B = 22;
const MAX_POINTS = 800;

/** Polyline path(s) of one trace, broken at uncoded frames and thinned to ≲ MAX_POINTS. */
export function tracePath(
  values: (number | null)[],
  fps: number,
  durationMs: number,
  width: number,
  height: number,
): string {
  const stride = Math.max(1, Math.ceil(values.length / MAX_POINTS));
  let path = "";
  let pen = false;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i];
    if (v == null) {
      pen = false;
      continue;
    }
    const x = durationMs > 0 ? ((i * 1000) / fps / durationMs) * width : 0;
    const y = ((1 - Math.max(-1, Math.min(1, v))) / 2) * height;
    path += `${pen ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
    pen = true;
  }
  return path;
}

/** All coders' traces of one dimension overlaid on −1..1 over the video's duration. */
export function TraceChart({ title, lines, fps, durationMs }: TraceChartProps) {
  const plotW = W - PAD_L - PAD_R;
  const plotH = H - PAD_T - PAD_B;
  const y = (v: number) => PAD_T + ((1 - v) / 2) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * durationMs);
  return (
    <figure className="affect-trace-chart">
      <figcaption>{title}</figcaption>
      <svg
        width="100%"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title} traces of ${lines.length} coders`}
        data-testid={`trace-chart-${title.toLowerCase()}`}
      >
        {[-1, -0.5, 0, 0.5, 1].map((v) => (
          <g key={v}>
            <line
              x1={PAD_L}
              x2={W - PAD_R}
              y1={y(v)}
              y2={y(v)}
              className={v === 0 ? "affect-axis-zero" : "affect-gridline"}
            />
            <text x={PAD_L - 4} y={y(v)} dy="0.35em" textAnchor="end" className="affect-chart-tick">
              {v}
            </text>
          </g>
        ))}
        {ticks.map((t, i) => (
          <text
            key={t}
            x={PAD_L + (durationMs > 0 ? (t / durationMs) * plotW : 0)}
            y={H - 6}
            textAnchor={i === ticks.length - 1 ? "end" : "middle"}
            className="affect-chart-tick"
          >
            {formatTime(t).replace(/\.\d+$/, "")}
          </text>
        ))}
        <g transform={`translate(${PAD_L}, ${PAD_T})`}>
          {lines.map((line, i) => (
            <path
              key={line.coder}
              d={tracePath(line.values, fps, durationMs, plotW, plotH)}
              fill="none"
              stroke={coderColor(i)}
              strokeWidth={1.5}
              data-testid={`trace-${title.toLowerCase()}-${line.coder}`}
            >
              <title>{line.coder}</title>
            </path>
          ))}
        </g>
      </svg>
    </figure>
  );
}
