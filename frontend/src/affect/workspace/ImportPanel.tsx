import { useId, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { FieldErrors } from "../../components/FieldErrors";
import { affectApi, type ImportFormat, type ImportResult } from "../api";

const FORMATS: [ImportFormat, string, string][] = [
  ["emotionml", "EmotionML", ".xml,.emotionml"],
  ["csv", "Segments CSV", ".csv"],
  ["eaf", "ELAN (.eaf)", ".eaf"],
  ["frames.csv", "Frames CSV (one annotator)", ".csv"],
];

interface ImportPanelProps {
  slug: string;
  videoId: string;
  /** Unsaved coding would be lost when the import replaces the own layer: warn first. */
  ownDirty: boolean;
  /** The import is done; `notice` says what it stored (the page keeps it across the reload). */
  onImported: (notice: string) => void;
}

/** Import coder (or model) layers from a file: all or nothing, an annotator's layer is replaced. */
export function ImportPanel({ slug, videoId, ownDirty, onImported }: ImportPanelProps) {
  const id = useId();
  const [format, setFormat] = useState<ImportFormat>("emotionml");
  const [file, setFile] = useState<File | null>(null);
  const [annotator, setAnnotator] = useState("");
  const [kind, setKind] = useState<"coder" | "model">("coder");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const submit = async () => {
    if (!file) return;
    if (ownDirty && !window.confirm("Your unsaved coding on this video will be reloaded. Import?")) {
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await affectApi.importLayers(slug, videoId, file, format, {
        annotator: annotator.trim() || undefined,
        kind,
      });
      setResult(answer);
      onImported(`Imported: ${describe(answer)}.`);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const describe = (r: ImportResult) =>
    [
      r.created.length ? `created ${r.created.map((l) => l.annotator).join(", ")}` : "",
      r.updated.length ? `replaced ${r.updated.map((l) => l.annotator).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");

  return (
    <section className="panel affect-import" aria-labelledby={`${id}-h`} data-testid="import-panel">
      <h2 id={`${id}-h`}>Import layers</h2>
      <form
        className="affect-import-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label>
          Format
          <select value={format} onChange={(event) => setFormat(event.target.value as ImportFormat)}>
            {FORMATS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Layer file
          <input
            type="file"
            accept={FORMATS.find(([value]) => value === format)?.[2]}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </label>
        <FieldErrors error={error} name="file" />
        <label>
          Annotator{format === "frames.csv" ? " (required)" : " (optional: replaces the file's)"}
          <input
            value={annotator}
            onChange={(event) => setAnnotator(event.target.value)}
            required={format === "frames.csv"}
            disabled={format === "eaf" || format === "csv"}
          />
        </label>
        <FieldErrors error={error} name="annotator" />
        <label>
          Layer kind
          <select value={kind} onChange={(event) => setKind(event.target.value as "coder" | "model")}>
            <option value="coder">coder</option>
            <option value="model">model</option>
          </select>
        </label>
        <button type="submit" disabled={busy || !file}>
          {busy ? "Importing…" : "Import"}
        </button>
      </form>
      <ErrorBanner error={error} onDismiss={() => setError(null)} fieldNames={["file", "annotator"]} />
      <p role="status" aria-live="polite" data-testid="import-result">
        {result ? `Imported: ${describe(result)}.` : ""}
      </p>
    </section>
  );
}
