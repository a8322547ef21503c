import { Link, useParams } from "react-router";
import { ApiError } from "../../api";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { useProjectContext } from "../../pages/ProjectLayout";
import { affectApi, parseFps, type AgreementReport, type LayerDetail, type Video } from "../api";
import { coderColor, formatCoefficient } from "../colors";
import { AgreementBars } from "../components/AgreementBars";
import { KappaHeatmap } from "../components/KappaHeatmap";
import { TraceChart } from "../components/TraceChart";
import { DIMENSIONS } from "../schema";
import { dimensionSeries } from "../traces";

interface Loaded {
  video: Video;
  report: AgreementReport | null;
  /** Why there is no report (fewer than two coder layers), if there is none. */
  missing: string | null;
  layers: LayerDetail[];
}

/** `/projects/:slug/videos/:id/agreement`: inter-coder agreement of one video. */
export function AgreementPage() {
  const { project } = useProjectContext();
  const { id = "" } = useParams();
  const slug = project.slug;
  const loaded = useLoad<Loaded>(async () => {
    const [video, layers] = await Promise.all([
      affectApi.videos.get(slug, id),
      affectApi.layers.list(slug, id),
    ]);
    let report: AgreementReport | null = null;
    let missing: string | null = null;
    try {
      report = await affectApi.agreement(slug, id);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "not_enough_layers")) throw error;
      missing = error.detail;
    }
    // Traces are not in the report: read each coder layer whole, in the report's coder order.
    const order = report?.coders.map((c) => c.layer) ?? [];
    const coders = layers
      .filter((l) => l.kind === "coder")
      .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const details = await Promise.all(coders.map((l) => affectApi.layers.get(slug, id, l.id)));
    return { video, report, missing, layers: details };
  }, [slug, id]);

  const head = (
    <div className="affect-workspace-head">
      <h2>
        <Link to={`/projects/${slug}/videos`}>Videos</Link> /{" "}
        <Link to={`/projects/${slug}/videos/${id}`}>{loaded.data?.video.filename ?? id}</Link> /
        Agreement
      </h2>
    </div>
  );
  if (!loaded.data) {
    return (
      <div>
        {head}
        <ErrorBanner error={loaded.error} />
        {loaded.loading && <p className="loading">Loading…</p>}
      </div>
    );
  }
  const { video, report, missing, layers } = loaded.data;
  if (!report) {
    return (
      <div>
        {head}
        <p className="empty" data-testid="agreement-missing">
          {missing}
        </p>
      </div>
    );
  }

  const fps = report.fps || parseFps(video.fps);
  const pairs = report.au.pairs;
  const pairLabel = (i: number) => (pairs[i] ? `${pairs[i][0]} × ${pairs[i][1]}` : `pair ${i + 1}`);

  return (
    <div className="affect-agreement" data-testid="agreement">
      {head}
      <p className="muted">
        {report.coders.length} coders ({report.coders.map((c) => c.annotator).join(", ")}) ·{" "}
        {report.n_frames} frames at {Number(fps.toFixed(3))} fps · frame-level agreement
      </p>

      <section className="panel">
        <h2>AU occurrence: Cohen's κ per coder pair</h2>
        <div className="affect-chart-scroll">
          <KappaHeatmap
            aus={report.au.aus}
            pairs={pairs}
            kappa={report.au.occurrence.kappa}
            agreement={report.au.occurrence.agreement}
          />
        </div>
      </section>

      <section className="panel">
        <h2>All coders: Fleiss' κ (occurrence) and Krippendorff's α (ordinal intensity)</h2>
        <div className="affect-chart-scroll">
          <AgreementBars
            labels={report.au.aus}
            series={[
              {
                name: "Fleiss' κ",
                className: "affect-bar-fleiss",
                values: report.au.occurrence.fleiss_kappa,
              },
              {
                name: "ordinal α",
                className: "affect-bar-alpha",
                values: report.au.intensity.alpha_ordinal,
              },
            ]}
          />
        </div>
      </section>

      <section className="panel">
        <h2>Valence and arousal</h2>
        <ul className="affect-legend">
          {layers.map((layer, i) => (
            <li key={layer.id}>
              <span className="affect-swatch" style={{ background: coderColor(i) }} />
              {layer.annotator}
            </li>
          ))}
        </ul>
        <div className="affect-dimensions">
          {DIMENSIONS.map((dimension) => {
            const stats = report.dimensions[dimension];
            return (
              <div key={dimension} className="affect-dimension" data-testid={`dimension-${dimension}`}>
                <TraceChart
                  title={dimension[0]!.toUpperCase() + dimension.slice(1)}
                  fps={fps}
                  durationMs={video.duration_ms}
                  lines={layers.map((layer) => ({
                    coder: layer.annotator,
                    values: dimensionSeries(layer, dimension, fps, report.n_frames),
                  }))}
                />
                <dl className="facts affect-figures">
                  <dt>ICC(2,1)</dt>
                  <dd data-testid={`icc-${dimension}`}>{formatCoefficient(stats?.icc_2_1)}</dd>
                  <dt>ICC(3,1)</dt>
                  <dd>{formatCoefficient(stats?.icc_3_1)}</dd>
                  <dt>interval α</dt>
                  <dd>{formatCoefficient(stats?.alpha_interval)}</dd>
                  <dt>frames coded by all</dt>
                  <dd>{stats?.frames_all_coders ?? 0}</dd>
                  {stats?.ccc.map((value, i) => (
                    <div key={i} style={{ display: "contents" }}>
                      <dt>CCC {pairLabel(i)}</dt>
                      <dd>{formatCoefficient(value)}</dd>
                    </div>
                  ))}
                </dl>
              </div>
            );
          })}
        </div>
      </section>

      <section className="panel">
        <h2>Emotion categories ({report.emotion.category_set})</h2>
        <dl className="facts">
          <dt>Fleiss' κ</dt>
          <dd>{formatCoefficient(report.emotion.fleiss_kappa)}</dd>
          <dt>nominal α</dt>
          <dd>{formatCoefficient(report.emotion.alpha_nominal)}</dd>
          {report.emotion.kappa.map((value, i) => (
            <div key={i} style={{ display: "contents" }}>
              <dt>Cohen's κ {pairLabel(i)}</dt>
              <dd>{formatCoefficient(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
