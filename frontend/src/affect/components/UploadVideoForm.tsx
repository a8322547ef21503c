import { useEffect, useRef, useState, type FormEvent } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { ProgressBar } from "../../components/ProgressBar";
import { useJob } from "../../hooks/useJob";
import type { UploadHandle, Video } from "../api";
import { resumableUpload, type ResumableUploadOptions } from "../upload";

interface UploadVideoFormProps {
  slug: string;
  onUploaded: (video: Video) => void;
  /** For tests: chunk size, retries, backoff. */
  uploadOptions?: ResumableUploadOptions;
}

/**
 * Resumable chunked upload (docs/api-uploads.md) with overall progress, then the progress of
 * the transcode job when the browser cannot play the file as it is; managers only.
 */
export function UploadVideoForm({ slug, onUploaded, uploadOptions }: UploadVideoFormProps) {
  const [file, setFile] = useState<File | null>(null);
  const [transcode, setTranscode] = useState<{ job: string; filename: string } | null>(null);
  const job = useJob(transcode?.job ?? null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const handle = useRef<UploadHandle | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => handle.current?.abort(), []);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setProgress(0);
    setTranscode(null);
    const upload = resumableUpload(slug, file, setProgress, uploadOptions);
    handle.current = upload;
    try {
      const video = await upload.promise;
      setFile(null);
      if (input.current) input.current.value = "";
      if (video.transcode_job) setTranscode({ job: video.transcode_job, filename: video.filename });
      onUploaded(video);
    } catch (reason) {
      setError(reason);
    } finally {
      handle.current = null;
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <form className="form affect-upload" onSubmit={onSubmit} aria-label="Upload a video">
      <h2>Upload a video</h2>
      <ErrorBanner error={error} fieldNames={["file"]} />
      <Field label="Video file" name="file" error={error} hint="MP4 or WebM; probed on upload.">
        {(control) => (
          <input
            {...control}
            ref={input}
            type="file"
            accept="video/*"
            disabled={busy}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      {busy && <ProgressBar value={progress} label="Upload" />}
      {transcode && (
        <div className="affect-transcode" data-testid="transcode-progress">
          <p className="muted">
            {job.job?.state === "succeeded"
              ? `${transcode.filename}: the browser copy is ready.`
              : job.job?.state === "failed" || job.job?.state === "cancelled"
                ? `${transcode.filename}: making a browser copy ${job.job.state === "failed" ? "failed" : "was cancelled"}${job.job.error?.detail ? ` (${String(job.job.error.detail)})` : ""}; the original is kept.`
                : `${transcode.filename}: making a copy browsers can play…`}
          </p>
          {!job.done && (
            <ProgressBar value={job.job ? job.job.progress : null} label="Transcode" />
          )}
          {job.job?.state === "succeeded" && <ProgressBar value={1} label="Transcode" />}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" disabled={!file || busy}>
          {busy ? "Uploading…" : "Upload"}
        </button>
        {busy && (
          <button
            type="button"
            className="button-secondary"
            onClick={() => handle.current?.abort()}
          >
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
