interface ProgressBarProps {
  /** Fraction done, 0..1; values outside are clamped, null means "unknown". */
  value: number | null;
  label?: string;
}

export function ProgressBar({ value, label = "Progress" }: ProgressBarProps) {
  const known = value !== null && Number.isFinite(value);
  const fraction = known ? Math.min(1, Math.max(0, value)) : 0;
  const percent = Math.round(fraction * 100);
  return (
    <div
      className={known ? "progress" : "progress progress-indeterminate"}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? percent : undefined}
      aria-valuetext={known ? `${percent}%` : "In progress"}
    >
      <div className="progress-fill" style={{ width: known ? `${percent}%` : undefined }} />
      {known && <span className="progress-text">{percent}%</span>}
    </div>
  );
}
