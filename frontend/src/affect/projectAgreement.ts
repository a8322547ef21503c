/** Shapes `GET /projects/{slug}/affect/agreement/` for the project agreement page. */
import type { ProjectAgreementReport } from "./api";
import type { HeatmapColumn } from "./components/KappaHeatmap";

export interface VideoAgreementRow {
  video: string;
  filename: string;
  coders: string[];
  frames: number;
  /** Mean of the per-AU Fleiss' κ that are defined; null when none is. */
  meanKappa: number | null;
  /** How many AUs the mean is over. */
  definedAus: number;
}

/** Mean of the finite values; null when there are none. */
export function meanDefined(values: (number | null | undefined)[]): number | null {
  const defined = values.filter((v): v is number => v != null && Number.isFinite(v));
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

/** One row per video of the per-video summary table, in the server's order. */
export function videoRows(report: ProjectAgreementReport): VideoAgreementRow[] {
  return report.videos.map((v) => {
    const meanKappa = meanDefined(v.fleiss_kappa);
    return {
      video: v.video,
      filename: v.filename,
      coders: v.coders,
      frames: v.n_frames,
      meanKappa,
      definedAus: v.fleiss_kappa.filter((k) => k != null && Number.isFinite(k)).length,
    };
  });
}

const shorten = (text: string, max = 11) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Video × AU Fleiss' κ for the heatmap: one column per video (AUs are the rows). */
export function videoHeatmap(report: ProjectAgreementReport): {
  columns: HeatmapColumn[];
  kappa: (number | null)[][];
} {
  return {
    columns: report.videos.map((v) => ({
      lines: [shorten(v.filename), `${v.coders.length} coders`],
      title: v.filename,
    })),
    kappa: report.videos.map((v) => report.aus.map((_, j) => v.fleiss_kappa[j] ?? null)),
  };
}

/** The pooled per-AU series for AgreementBars. */
export function pooledSeries(report: ProjectAgreementReport) {
  return [
    { name: "pooled κ", className: "affect-bar-fleiss", values: report.pooled.kappa },
    { name: "ordinal α", className: "affect-bar-alpha", values: report.pooled.alpha_ordinal },
  ];
}
