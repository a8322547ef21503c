import { KAPPA_STOPS, formatCoefficient, kappaColor, kappaLabel, kappaTextColor } from "../colors";
import { auName } from "../schema";

export interface HeatmapColumn {
  /** One or two header lines. */
  lines: string[];
  /** Full name for tooltips. */
  title: string;
}

interface KappaHeatmapProps {
  aus: string[];
  /** Coder pairs as columns (the per-video page). */
  pairs?: [string, string][];
  /** Other columns (e.g. videos); used instead of `pairs`. */
  columns?: HeatmapColumn[];
  /** columns × aus, as the server sends it. */
  kappa: (number | null)[][];
  agreement?: (number | null)[][];
  /** Accessible name and legend caption. */
  label?: string;
  caption?: string;
  /** Cells are `${testIdPrefix}-${au}-${column}`; the svg `${testIdPrefix}-heatmap`. */
  testIdPrefix?: string;
  /** Coefficient name in tooltips. */
  symbol?: string;
}

const pairColumns = (pairs: [string, string][]): HeatmapColumn[] =>
  pairs.map(([a, b]) => ({ lines: [a, `× ${b}`], title: `${a} × ${b}` }));

const CELL_W = 72;
const CELL_H = 22;
const LABEL_W = 190;
const HEAD_H = 46;
const LEGEND_H = 62;
const LEGEND_W = 240;

/** Cohen's κ of AU occurrence, one row per AU and one column per coder pair. */
export function KappaHeatmap({
  aus,
  pairs = [],
  columns,
  kappa,
  agreement,
  label = "Cohen's kappa per Action Unit and coder pair",
  caption = "Cohen's κ of AU occurrence (intensity ≥ A), per frame",
  testIdPrefix = "kappa",
  symbol = "κ",
}: KappaHeatmapProps) {
  const cols = columns ?? pairColumns(pairs);
  const width = LABEL_W + Math.max(cols.length * CELL_W, LEGEND_W + 130) + 10;
  const gridH = aus.length * CELL_H;
  const height = HEAD_H + gridH + LEGEND_H;
  const legendW = LEGEND_W;
  return (
    <svg
      className="affect-heatmap"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid={`${testIdPrefix}-heatmap`}
    >
      <defs>
        <linearGradient id="affect-kappa-gradient" x1="0" x2="1" y1="0" y2="0">
          {KAPPA_STOPS.map(([value]) => (
            <stop key={value} offset={`${((value + 1) / 2) * 100}%`} stopColor={kappaColor(value)} />
          ))}
        </linearGradient>
      </defs>
      {cols.map((column, p) => (
        <text
          key={`${p}-${column.title}`}
          x={LABEL_W + p * CELL_W + CELL_W / 2}
          y={HEAD_H - 8}
          textAnchor="middle"
          className="affect-chart-label"
        >
          <title>{column.title}</title>
          {column.lines.length === 1 ? (
            <tspan x={LABEL_W + p * CELL_W + CELL_W / 2}>{column.lines[0]}</tspan>
          ) : (
            column.lines.slice(0, 2).map((line, i) => (
              <tspan key={i} x={LABEL_W + p * CELL_W + CELL_W / 2} dy={i === 0 ? "-1.1em" : "1.1em"}>
                {line}
              </tspan>
            ))
          )}
        </text>
      ))}
      {aus.map((au, j) => (
        <g key={au} transform={`translate(0, ${HEAD_H + j * CELL_H})`}>
          <text x={LABEL_W - 8} y={CELL_H / 2} dy="0.35em" textAnchor="end" className="affect-chart-label">
            {au} {auName(au)}
          </text>
          {cols.map((column, p) => {
            const value = kappa[p]?.[j] ?? null;
            const observed = agreement?.[p]?.[j];
            return (
              <g key={p} data-testid={`${testIdPrefix}-${au}-${p}`}>
                <rect
                  x={LABEL_W + p * CELL_W + 1}
                  y={1}
                  width={CELL_W - 2}
                  height={CELL_H - 2}
                  fill={kappaColor(value)}
                >
                  <title>
                    {`${au} ${column.title}: ${symbol} ${formatCoefficient(value, 3)} (${kappaLabel(value)})` +
                      (observed != null ? `, observed agreement ${(observed * 100).toFixed(1)}%` : "")}
                  </title>
                </rect>
                <text
                  x={LABEL_W + p * CELL_W + CELL_W / 2}
                  y={CELL_H / 2}
                  dy="0.35em"
                  textAnchor="middle"
                  fill={kappaTextColor(value)}
                  className="affect-cell-value"
                >
                  {formatCoefficient(value)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
      <g
        transform={`translate(${LABEL_W}, ${HEAD_H + gridH + 14})`}
        data-testid={`${testIdPrefix}-legend`}
      >
        <rect width={legendW} height={12} fill="url(#affect-kappa-gradient)" stroke="#b8c1cc" />
        {[-1, 0, 0.4, 0.6, 1].map((tick) => (
          <text
            key={tick}
            x={((tick + 1) / 2) * legendW}
            y={26}
            textAnchor="middle"
            className="affect-chart-tick"
          >
            {tick}
          </text>
        ))}
        <rect x={legendW + 14} width={12} height={12} fill={kappaColor(null)} stroke="#b8c1cc" />
        <text x={legendW + 30} y={10} className="affect-chart-tick">
          undefined (—)
        </text>
        <text x={0} y={40} className="affect-chart-tick">
          {caption}
        </text>
      </g>
    </svg>
  );
}
