import { useState } from "react";
import { ProgressBar } from "../components/ProgressBar";
import { useLoad } from "../hooks/useLoad";
import { modelsApi, type Run } from "./api";
import { LossCurve } from "./Plots";
import { percent } from "./plots";

function RunLog({ slug, run }: { slug: string; run: Run }) {
  // Reloaded whenever the run's progress moves, so the log follows a live run.
  const detail = useLoad(() => modelsApi.runs.get(slug, run.id), [slug, run.id, run.job?.progress, run.state]);
  if (!detail.data) return <p className="loading">Loading…</p>;
  return (
    <div className="ml-run-log">
      <pre data-testid="run-log">{detail.data.log || "(no log yet)"}</pre>
      <LossCurve points={detail.data.history} />
    </div>
  );
}

export function RunsTable(props: { slug: string; runs: Run[]; canCancel: boolean; onChanged: () => void }) {
  const { slug, runs, canCancel, onChanged } = props;
  const [open, setOpen] = useState<number | null>(null);
  if (runs.length === 0) return <p className="muted">No training runs yet.</p>;
  return (
    <table className="table ml-runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Task / kind</th>
          <th>State</th>
          <th>Progress</th>
          <th>Data</th>
          <th>Word acc.</th>
          <th>Device</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const live = run.state === "queued" || run.state === "running";
          return (
            <tr key={run.id} data-testid="run-row" data-state={run.state}>
              <td>#{run.id}</td>
              <td>
                {run.task} / {run.kind}
              </td>
              <td data-testid="run-state">{run.state}</td>
              <td className="ml-progress">
                <ProgressBar value={run.state === "succeeded" ? 1 : (run.job?.progress ?? 0)} label={`Run ${run.id}`} />
                <span className="muted">{live ? run.job?.message : run.error}</span>
                {open === run.id && <RunLog slug={slug} run={run} />}
              </td>
              <td className="num">
                {run.counts.train ?? "–"} / {run.counts.heldout ?? "–"}
              </td>
              <td className="num">{percent(run.metrics?.word_accuracy)}</td>
              <td>{run.device || "–"}</td>
              <td className="actions">
                <button type="button" className="button-small button-secondary" onClick={() => setOpen(open === run.id ? null : run.id)}>
                  {open === run.id ? "Hide log" : "Log"}
                </button>
                {canCancel && live && (
                  <button
                    type="button"
                    className="button-small button-danger"
                    onClick={() => void modelsApi.runs.cancel(slug, run.id).then(onChanged, onChanged)}
                  >
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
