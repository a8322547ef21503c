import { Link } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { useProjectContext } from "../../pages/ProjectLayout";
import { affectApi } from "../api";
import { formatCoefficient } from "../colors";
import { AgreementBars } from "../components/AgreementBars";
import { KappaHeatmap } from "../components/KappaHeatmap";
import { pooledSeries, videoHeatmap, videoRows } from "../projectAgreement";

/** `/projects/:slug/agreement`: AU agreement over every video with two or more coder layers. */
export function ProjectAgreementPage() {
  const { project } = useProjectContext();
  const slug = project.slug;
  const loaded = useLoad(() => affectApi.projectAgreement(slug), [slug]);
  const report = loaded.data;

  const head = (
    <div className="affect-workspace-head">
      <h2>
        <Link to={`/projects/${slug}/videos`}>Videos</Link> / Project agreement
      </h2>
    </div>
  );
  if (!report) {
    return (
      <div>
        {head}
        <ErrorBanner error={loaded.error} />
        {loaded.loading && <p className="loading">Loading…</p>}
      </div>
    );
  }
  if (report.videos.length === 0) {
    return (
      <div>
        {head}
        <p className="empty" data-testid="project-agreement-missing">
          No video has two coder layers yet: agreement needs at least two coders per video.
        </p>
      </div>
    );
  }

  const rows = videoRows(report);
  const heatmap = videoHeatmap(report);
  return (
    <div className="affect-agreement" data-testid="project-agreement">
      {head}
      <p className="muted">
        {report.pooled.videos} {report.pooled.videos === 1 ? "video" : "videos"} with two or more
        coders · {report.pooled.frames} frames pooled · frame-level agreement
      </p>

      <section className="panel">
        <h2>Pooled over all videos: Cohen's κ (occurrence) and Krippendorff's α (ordinal intensity)</h2>
        <div className="affect-chart-scroll">
          <AgreementBars labels={report.aus} series={pooledSeries(report)} />
        </div>
      </section>

      <section className="panel">
        <h2>Per video</h2>
        <table className="table" data-testid="project-agreement-videos">
          <thead>
            <tr>
              <th scope="col">Video</th>
              <th scope="col">Coders</th>
              <th scope="col">Frames</th>
              <th scope="col" title="Mean of the per-AU Fleiss' κ that are defined">
                Mean κ
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.video} data-testid={`agreement-row-${row.video}`}>
                <td>
                  <Link to={`/projects/${slug}/videos/${row.video}/agreement`}>{row.filename}</Link>
                </td>
                <td>
                  {row.coders.length}{" "}
                  <span className="muted">({row.coders.join(", ")})</span>
                </td>
                <td>{row.frames}</td>
                <td title={`over ${row.definedAus} of ${report.aus.length} AUs`}>
                  {formatCoefficient(row.meanKappa)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>Fleiss' κ per video and AU</h2>
        <div className="affect-chart-scroll">
          <KappaHeatmap
            aus={report.aus}
            columns={heatmap.columns}
            kappa={heatmap.kappa}
            label="Fleiss' kappa per Action Unit and video"
            caption="Fleiss' κ of AU occurrence (intensity ≥ A), per frame, all coders of a video"
            testIdPrefix="video-kappa"
            symbol="Fleiss' κ"
          />
        </div>
      </section>
    </div>
  );
}
