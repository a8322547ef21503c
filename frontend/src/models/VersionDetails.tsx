import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { modelsApi } from "./api";
import { ConfusionMatrix, LearningCurve } from "./Plots";
import { percent } from "./plots";

/** A version's held-out metrics, per-label scores, confusion matrix and learning curve. */
export function VersionDetails({ slug, versionId }: { slug: string; versionId: number }) {
  const version = useLoad(() => modelsApi.versions.get(slug, versionId), [slug, versionId]);
  const plots = useLoad(() => modelsApi.versions.plots(slug, versionId), [slug, versionId]);
  const v = version.data;
  if (!v) return <ErrorBanner error={version.error} />;
  const m = v.metrics ?? {};
  const labels = Object.entries(plots.data?.per_label ?? {})
    .sort((a, b) => b[1].support - a[1].support)
    .slice(0, 12);
  return (
    <section className="ml-details" aria-label={`${v.task} v${v.number}`} data-testid="version-details">
      <h3>
        {v.task} v{v.number} <span className="tag">{v.status}</span>
      </h3>
      {v.metrics ? (
        <dl className="ml-metrics" data-testid="version-metrics">
          <dt>Word accuracy</dt>
          <dd>{percent(m.word_accuracy)}</dd>
          <dt>Morpheme accuracy</dt>
          <dd>{percent(m.morpheme_accuracy)}</dd>
          <dt>Macro F1</dt>
          <dd>{percent(m.macro_f1)}</dd>
          <dt>Stems</dt>
          <dd>
            {percent(m.stems?.accuracy)} of {m.stems?.count ?? 0}
          </dd>
          <dt>Grams</dt>
          <dd>
            {percent(m.grams?.accuracy)} of {m.grams?.count ?? 0}
          </dd>
        </dl>
      ) : (
        <p className="muted">No held-out metrics (imported or external model).</p>
      )}
      <div className="ml-columns">
        <figure>
          <figcaption>Confusion matrix (most frequent labels; rows gold, columns predicted)</figcaption>
          <ConfusionMatrix confusion={plots.data?.confusion ?? null} />
        </figure>
        <figure>
          <figcaption>Learning curve (held-out accuracy against training size)</figcaption>
          <LearningCurve points={plots.data?.learning_curve ?? []} />
        </figure>
      </div>
      {labels.length > 0 && (
        <table className="table ml-labels">
          <thead>
            <tr>
              <th>Label</th>
              <th>Precision</th>
              <th>Recall</th>
              <th>F1</th>
              <th>Support</th>
            </tr>
          </thead>
          <tbody>
            {labels.map(([label, s]) => (
              <tr key={label}>
                <td>{label}</td>
                <td className="num">{percent(s.precision)}</td>
                <td className="num">{percent(s.recall)}</td>
                <td className="num">{percent(s.f1)}</td>
                <td className="num">{s.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
