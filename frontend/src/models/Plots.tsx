import type { Confusion, CurvePoint, LossPoint } from "./api";
import { heat, percent, polyline, rowShares, scale } from "./plots";

const CELL = 26;

/** Confusion matrix of the most frequent labels as an SVG heat map (rows: gold, columns: predicted). */
export function ConfusionMatrix({ confusion }: { confusion: Confusion | null }) {
  if (!confusion || confusion.labels.length === 0) return <p className="muted">No confusion matrix.</p>;
  const { labels, matrix } = confusion;
  const shares = rowShares(matrix);
  const margin = 90;
  const size = margin + labels.length * CELL + 10;
  return (
    <svg
      className="ml-confusion"
      data-testid="confusion-matrix"
      role="img"
      aria-label={`Confusion matrix of ${labels.length} labels`}
      width={size}
      height={size}
      viewBox={`0 0 ${size} ${size}`}
    >
      {labels.map((label, i) => (
        <g key={`l${i}`}>
          <text x={margin - 4} y={margin + i * CELL + CELL * 0.65} textAnchor="end" fontSize="11">
            {label}
          </text>
          <text
            x={margin + i * CELL + CELL * 0.6}
            y={margin - 4}
            fontSize="11"
            transform={`rotate(-60 ${margin + i * CELL + CELL * 0.6} ${margin - 4})`}
          >
            {label}
          </text>
        </g>
      ))}
      {matrix.map((row, g) =>
        row.map((count, p) => (
          <rect
            key={`${g}-${p}`}
            data-testid="confusion-cell"
            x={margin + p * CELL}
            y={margin + g * CELL}
            width={CELL - 1}
            height={CELL - 1}
            fill={heat(shares[g]?.[p] ?? 0)}
          >
            <title>{`gold ${labels[g]} → predicted ${labels[p]}: ${count}`}</title>
          </rect>
        )),
      )}
    </svg>
  );
}

interface Series {
  name: string;
  points: { x: number; y: number }[];
  color: string;
}

function LineChart({ series, xLabel, yLabel, testId, yMax }: {
  series: Series[];
  xLabel: string;
  yLabel: string;
  testId: string;
  yMax?: number;
}) {
  const width = 360;
  const height = 200;
  const pad = { left: 44, right: 10, top: 10, bottom: 34 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="muted">No points yet.</p>;
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x = scale(Math.min(...xs), Math.max(...xs), pad.left, width - pad.right);
  const top = yMax ?? Math.max(...ys);
  const y = scale(yMax === undefined ? Math.min(...ys) : 0, top, height - pad.bottom, pad.top);
  return (
    <svg className="ml-chart" data-testid={testId} role="img" aria-label={yLabel} width={width} height={height}>
      <line x1={pad.left} y1={height - pad.bottom} x2={width - pad.right} y2={height - pad.bottom} stroke="#888" />
      <line x1={pad.left} y1={pad.top} x2={pad.left} y2={height - pad.bottom} stroke="#888" />
      <text x={(width + pad.left) / 2} y={height - 6} textAnchor="middle" fontSize="11">
        {xLabel}
      </text>
      <text x={4} y={pad.top + 8} fontSize="11">
        {yMax === 1 ? "100%" : top.toFixed(2)}
      </text>
      {series.map((s) => (
        <g key={s.name}>
          <polyline
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            points={polyline(s.points.map((p) => ({ x: x(p.x), y: y(p.y) })))}
          />
          {s.points.map((p, i) => (
            <circle key={i} cx={x(p.x)} cy={y(p.y)} r={3} fill={s.color}>
              <title>{`${s.name}: ${yMax === 1 ? percent(p.y) : p.y.toFixed(4)} at ${p.x}`}</title>
            </circle>
          ))}
        </g>
      ))}
      {series.map((s, i) => (
        <text key={`k${s.name}`} x={width - pad.right - 120} y={pad.top + 12 + i * 14} fontSize="11" fill={s.color}>
          {s.name}
        </text>
      ))}
    </svg>
  );
}

/** Accuracy on the held-out split against the number of training utterances. */
export function LearningCurve({ points }: { points: CurvePoint[] }) {
  return (
    <LineChart
      testId="learning-curve"
      xLabel="training utterances"
      yLabel="Learning curve"
      yMax={1}
      series={[
        { name: "word accuracy", color: "#1e50a0", points: points.map((p) => ({ x: p.utterances, y: p.word_accuracy })) },
        {
          name: "morpheme accuracy",
          color: "#c0392b",
          points: points.map((p) => ({ x: p.utterances, y: p.morpheme_accuracy })),
        },
      ]}
    />
  );
}

export function LossCurve({ points }: { points: LossPoint[] }) {
  const shown = points.filter((p) => typeof p.loss === "number");
  if (shown.length < 2) return null;
  return (
    <LineChart
      testId="loss-curve"
      xLabel="step"
      yLabel="Training loss"
      series={[{ name: "loss", color: "#555", points: shown.map((p) => ({ x: p.step, y: p.loss as number })) }]}
    />
  );
}
