import { formatCoefficient } from "../colors";

interface Series {
  name: string;
  className: string;
  values: (number | null)[];
}

interface AgreementBarsProps {
  labels: string[];
  series: Series[];
}

const ROW_H = 26;
const LABEL_W = 70;
const PLOT_W = 420;
const HEAD_H = 30;

/** Grouped horizontal bars on a −1..1 axis, one group per label (AU). */
export function AgreementBars({ labels, series }: AgreementBarsProps) {
  const barH = (ROW_H - 6) / series.length;
  const height = HEAD_H + labels.length * ROW_H + 24;
  const width = LABEL_W + PLOT_W + 50;
  const x = (v: number) => LABEL_W + ((Math.max(-1, Math.min(1, v)) + 1) / 2) * PLOT_W;
  return (
    <svg
      className="affect-bars"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${series.map((s) => s.name).join(" and ")} per Action Unit`}
      data-testid="agreement-bars"
    >
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${LABEL_W + i * 150}, 8)`}>
          <rect width={12} height={12} className={s.className} />
          <text x={18} y={10} className="affect-chart-tick">
            {s.name}
          </text>
        </g>
      ))}
      {[-1, -0.5, 0, 0.5, 1].map((tick) => (
        <g key={tick}>
          <line
            x1={x(tick)}
            x2={x(tick)}
            y1={HEAD_H - 4}
            y2={HEAD_H + labels.length * ROW_H}
            className={tick === 0 ? "affect-axis-zero" : "affect-gridline"}
          />
          <text
            x={x(tick)}
            y={HEAD_H + labels.length * ROW_H + 16}
            textAnchor="middle"
            className="affect-chart-tick"
          >
            {tick}
          </text>
        </g>
      ))}
      {labels.map((label, j) => (
        <g key={label} transform={`translate(0, ${HEAD_H + j * ROW_H})`}>
          <text x={LABEL_W - 8} y={ROW_H / 2} dy="0.35em" textAnchor="end" className="affect-chart-label">
            {label}
          </text>
          {series.map((s, i) => {
            const value = s.values[j] ?? null;
            const y = 3 + i * barH;
            if (value === null)
              return (
                <text
                  key={s.name}
                  x={x(0) + 4}
                  y={y + barH / 2}
                  dy="0.35em"
                  className="affect-chart-tick"
                  data-testid={`bar-${label}-${i}-missing`}
                >
                  —<title>{`${label} ${s.name}: undefined (no variation or no data)`}</title>
                </text>
              );
            const x0 = Math.min(x(0), x(value));
            return (
              <g key={s.name} data-testid={`bar-${label}-${i}`}>
                <rect
                  x={x0}
                  y={y}
                  width={Math.max(1, Math.abs(x(value) - x(0)))}
                  height={barH - 1}
                  className={s.className}
                >
                  <title>{`${label} ${s.name}: ${formatCoefficient(value, 3)}`}</title>
                </rect>
                <text
                  x={value >= 0 ? x(value) + 4 : x(value) - 4}
                  y={y + barH / 2}
                  dy="0.35em"
                  textAnchor={value >= 0 ? "start" : "end"}
                  className="affect-chart-tick"
                >
                  {formatCoefficient(value)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}
