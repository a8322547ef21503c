import { useId, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { linguisticApi, type ToolboxPreview } from "../api";
import {
  MARKER_PRESETS,
  buildMapping,
  type CustomMarkers,
  type MappingChoice,
  type MarkerPreset,
} from "../markerMapping";

const CUSTOM_FIELDS: readonly { key: keyof CustomMarkers; label: string }[] = [
  { key: "record", label: "Record marker" },
  { key: "text", label: "Text marker" },
  { key: "words", label: "Word line" },
  { key: "transcription", label: "Sentence line (unaligned)" },
  { key: "morphemes", label: "Morpheme line" },
  { key: "gloss", label: "Gloss line" },
  { key: "pos", label: "Part-of-speech line" },
  { key: "glosses", label: "Further gloss lines (marker=language, …)" },
  { key: "translations", label: "Translation lines (marker=language, …)" },
];

/** The Toolbox part of the import dialog: a marker preset or the user's own markers, tolerant
 * decoding, and a preview of the first records as the import would read them. */
export function MarkerMappingFields({
  slug,
  file,
  choice,
  onChange,
}: {
  slug: string;
  file: File | null;
  choice: MappingChoice;
  onChange: (choice: MappingChoice) => void;
}) {
  const [preview, setPreview] = useState<ToolboxPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A label beside the select, not around it: its options' text must not become its name.
  const presetId = useId();

  const show = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(await linguisticApi.imports.toolboxPreview(slug, file, buildMapping(choice)));
    } catch (reason) {
      setError(reason);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="ling-marker-mapping" aria-label="Marker mapping">
      <legend>Markers</legend>
      <label htmlFor={presetId}>Marker set</label>{" "}
      <select
          id={presetId}
          value={choice.preset}
          onChange={(e) => onChange({ ...choice, preset: e.target.value as MarkerPreset })}
        >
          {MARKER_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      {choice.preset === "custom" &&
        CUSTOM_FIELDS.map(({ key, label }) => (
          <label key={key}>
            {label}{" "}
            <input
              value={choice.custom[key]}
              onChange={(e) => onChange({ ...choice, custom: { ...choice.custom, [key]: e.target.value } })}
            />
          </label>
        ))}
      <label>
        <input
          type="checkbox"
          checked={choice.tolerant}
          onChange={(e) => onChange({ ...choice, tolerant: e.target.checked })}
        />{" "}
        Read lines that are not UTF-8 as Windows-1252 (each one is reported)
      </label>
      <div className="form-actions">
        <button type="button" onClick={show} disabled={!file || busy}>
          Preview the first records
        </button>
      </div>
      <ErrorBanner error={error} fieldNames={["file", "mapping"]} />
      {preview && <PreviewTable preview={preview} />}
    </fieldset>
  );
}

function PreviewTable({ preview }: { preview: ToolboxPreview }) {
  const markers = preview.markers;
  return (
    <div data-testid="toolbox-preview">
      <p className="muted">
        {preview.kind === "mdf" ? "MDF lexicon" : `Word line \\${String(markers?.words ?? "")}`}
        {preview.alignment ? `, columns by ${preview.alignment}` : ""}
      </p>
      {(preview.utterances ?? []).map((utt, i) => (
        <table className="table" key={i}>
          <tbody>
            <tr>
              <th scope="row">{String(utt.id || i + 1)}</th>
              {(utt.words ?? []).map((w, j) => (
                <td key={j}>{w.form}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">gloss</th>
              {(utt.words ?? []).map((w, j) => (
                <td key={j}>
                  {w.morphemes?.length
                    ? w.morphemes.map((m) => `${m.sep ?? ""}${m.gloss ?? ""}`).join("")
                    : (w.gloss ?? "")}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      ))}
      {(preview.entries ?? []).map((entry, i) => (
        <p key={i}>{Object.values(entry.forms as Record<string, string>).join(", ")}</p>
      ))}
      {preview.problems.length > 0 && (
        <ul>
          {preview.problems.map((p, i) => (
            <li key={i}>
              line {p.line ?? "—"}: {p.problem}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
