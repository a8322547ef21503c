import { useEffect, useRef, useState, type FormEvent } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { ProgressBar } from "../../components/ProgressBar";
import { uploadVideo, type UploadHandle, type Video } from "../api";

interface UploadVideoFormProps {
  slug: string;
  onUploaded: (video: Video) => void;
}

/** Multipart upload with a progress bar (XHR upload progress); managers only. */
export function UploadVideoForm({ slug, onUploaded }: UploadVideoFormProps) {
  const [file, setFile] = useState<File | null>(null);
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
    const upload = uploadVideo(slug, file, setProgress);
    handle.current = upload;
    try {
      const video = await upload.promise;
      setFile(null);
      if (input.current) input.current.value = "";
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
