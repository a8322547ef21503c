import { useState } from "react";
import type { Job } from "../../api";
import { ErrorBanner } from "../../components/ErrorBanner";
import { ProgressBar } from "../../components/ProgressBar";
import { useJob } from "../../hooks/useJob";

interface FileJobProps {
  /** The button's text, e.g. "Print dictionary (PDF)". */
  label: string;
  start: () => Promise<Job>;
  /** Where the finished job's file is downloaded. */
  downloadUrl: (job: Job) => string;
  disabled?: boolean;
}

/** Start a job that writes a file, show its progress, then offer the file for download. */
export function FileJob({ label, start, downloadUrl, disabled }: FileJobProps) {
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const { job, error, done } = useJob(jobId);
  const running = jobId !== null && !done;

  const go = async () => {
    setStartError(null);
    try {
      setJobId((await start()).id);
    } catch (e) {
      setStartError(e);
    }
  };

  return (
    <div className="file-job">
      <button type="button" className="button-secondary" onClick={go} disabled={disabled || running}>
        {label}
      </button>
      <ErrorBanner error={startError ?? error} />
      {running && <ProgressBar value={job ? job.progress : null} label={`${label} progress`} />}
      {running && job?.message && <p className="muted">{job.message}</p>}
      {done && job?.state === "succeeded" && (
        <a className="file-job-download" href={downloadUrl(job)} download>
          Download
        </a>
      )}
      {done && job && job.state !== "succeeded" && (
        <p className="error" role="alert">
          The job {job.state}: {String(job.error?.detail ?? job.error?.message ?? "")}
        </p>
      )}
    </div>
  );
}
