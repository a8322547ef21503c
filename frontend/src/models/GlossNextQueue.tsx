import { useState } from "react";
import { Link } from "react-router";
import { ApiError } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { modelsApi, type Uncertainty, type Version } from "./api";
import { percent } from "./plots";

/** Active learning: the utterances the active gloss model is least sure of, to gloss next. */
export function GlossNextQueue({ slug, versions }: { slug: string; versions: Version[] }) {
  const active = versions.find((v) => v.task === "gloss" && v.status === "active");
  const [by, setBy] = useState<Uncertainty>("confidence");
  const queue = useLoad(
    () => (active ? modelsApi.queue(slug, "gloss", 10, by) : Promise.resolve(null)),
    [slug, active?.id, by],
  );
  if (!active) return null;
  const noModel = queue.error instanceof ApiError && queue.error.code === "no_active_model";
  return (
    <section aria-label="Gloss next">
      <h3>Gloss next</h3>
      <label>
        Least sure by{" "}
        <select value={by} onChange={(e) => setBy(e.target.value as Uncertainty)} data-testid="gloss-next-by">
          <option value="confidence">lowest top-1 probability</option>
          <option value="margin">smallest margin between the first two</option>
        </select>
      </label>
      {!noModel && <ErrorBanner error={queue.error} />}
      {queue.data && queue.data.results.length === 0 && <p className="muted">Nothing left to gloss.</p>}
      {queue.data && queue.data.results.length > 0 && (
        <ol className="ml-queue" data-testid="gloss-next">
          {queue.data.results.map((row) => (
            <li key={row.utterance}>
              <Link to={`/projects/${slug}/texts/${row.text}?u=${row.utterance}`}>
                {row.transcription || row.utterance}
              </Link>{" "}
              <span className="muted">
                model sure at {percent(row.confidence, 0)}, margin {percent(row.margin, 0)},{" "}
                {row.open} to gloss
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
