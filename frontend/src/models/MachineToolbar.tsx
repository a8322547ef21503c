import { useEffect, useState } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProgressBar } from "../components/ProgressBar";
import { useJob } from "../hooks/useJob";
import { modelsApi } from "./api";

/** Above the editor: pre-annotate this text with the active gloss model, then accept in bulk. */
export function MachineToolbar(props: { slug: string; textId: string; onChanged: () => void }) {
  const { slug, textId, onChanged } = props;
  const [jobId, setJobId] = useState<string | null>(null);
  const [threshold, setThreshold] = useState("0.9");
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState("");
  const job = useJob(jobId, { intervalMs: 500 });

  useEffect(() => {
    if (job.done && job.job?.state === "succeeded") {
      const made = Number(job.job.result?.suggestions ?? 0);
      setResult(`${made} suggestions`);
      onChanged();
    }
    // onChanged is a fresh closure each render; the job's end is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.done, job.job?.state]);

  const preannotate = async () => {
    setError(null);
    setResult("");
    try {
      setJobId((await modelsApi.preannotate(slug, { task: "gloss", text: textId })).id);
    } catch (e) {
      setError(e);
    }
  };
  const bulk = async () => {
    setError(null);
    try {
      const done = await modelsApi.bulkAccept(slug, { task: "gloss", threshold: Number(threshold), text: textId });
      setResult(`${done.accepted} accepted, ${done.skipped} skipped`);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  const running = jobId !== null && !job.done;
  return (
    <div className="ml-toolbar" role="group" aria-label="Machine suggestions">
      <button type="button" className="button-small button-secondary" disabled={running} onClick={() => void preannotate()}>
        Pre-annotate
      </button>
      {running && <ProgressBar value={job.job?.progress ?? null} label="Pre-annotation" />}
      <label>
        Accept ≥{" "}
        <input
          type="number"
          min="0"
          max="1"
          step="0.05"
          value={threshold}
          aria-label="Acceptance threshold"
          onChange={(e) => setThreshold(e.target.value)}
        />
      </label>
      <button type="button" className="button-small" onClick={() => void bulk()}>
        Accept all above threshold
      </button>
      {result && (
        <span role="status" data-testid="machine-result">
          {result}
        </span>
      )}
      <ErrorBanner error={error ?? job.error} />
    </div>
  );
}
