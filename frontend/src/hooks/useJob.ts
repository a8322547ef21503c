import { useEffect, useState } from "react";
import { ApiError, TERMINAL_JOB_STATES, api, type Job } from "../api";

export interface JobStatus {
  job: Job | null;
  error: unknown;
  /** True once the job succeeded, failed or was cancelled, or polling gave up. */
  done: boolean;
}

export interface UseJobOptions {
  intervalMs?: number;
  /** Upper bound for the delay after transient errors (network, 5xx). */
  maxIntervalMs?: number;
}

/** Poll `GET /jobs/{id}/` until the job ends; pass null to poll nothing. */
export function useJob(jobId: string | null, options: UseJobOptions = {}): JobStatus {
  const { intervalMs = 1000, maxIntervalMs = 10000 } = options;
  const [status, setStatus] = useState<JobStatus>({ job: null, error: null, done: jobId == null });

  useEffect(() => {
    setStatus({ job: null, error: null, done: jobId == null });
    if (jobId == null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = intervalMs;

    const poll = async () => {
      try {
        const job = await api.jobs.get(jobId, controller.signal);
        if (controller.signal.aborted) return;
        const done = TERMINAL_JOB_STATES.has(job.state);
        setStatus({ job, error: null, done });
        delay = intervalMs;
        if (!done) timer = setTimeout(poll, delay);
      } catch (error) {
        if (controller.signal.aborted) return;
        // A 4xx will not fix itself (job gone, access lost); anything else may.
        const permanent = error instanceof ApiError && error.status >= 400 && error.status < 500;
        setStatus((previous) => ({ ...previous, error, done: permanent }));
        if (!permanent) {
          delay = Math.min(delay * 2, maxIntervalMs);
          timer = setTimeout(poll, delay);
        }
      }
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [jobId, intervalMs, maxIntervalMs]);

  return status;
}
