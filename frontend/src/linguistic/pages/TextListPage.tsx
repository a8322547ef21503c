import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { ProgressBar } from "../../components/ProgressBar";
import { useJob } from "../../hooks/useJob";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { useLoad } from "../../hooks/useLoad";
import { RELOAD_MESSAGE, usePresence, useProjectSocket } from "../../hooks/useProjectSocket";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import {
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  importProblems,
  type EafMapping,
  linguisticApi,
  type ExportFormat,
  type ImportFormat,
} from "../api";
import { EafTierFields } from "../components/EafTierFields";
import { FileJob } from "../components/FileJob";
import { MarkerMappingFields } from "../components/MarkerMappingFields";
import { cleanEafMapping } from "../eafMapping";
import { EMPTY_CUSTOM, buildMapping, type MappingChoice } from "../markerMapping";

/** The project's interlinear texts, a form to start one, and file import with its progress. */
export function TextListPage() {
  const { slug = "" } = useParams();
  const { project } = useProjectContext();
  const canEdit = hasRole(project.my_role, "annotator");
  const canImport = hasRole(project.my_role, "manager");
  const [page, setPage] = useState(1);
  const texts = useLoad(() => linguisticApi.texts.list(slug, page), [slug, page]);
  // Live: texts made, renamed, imported or deleted by others show up; who is on which text too.
  const reloadTexts = texts.reload;
  useProjectSocket(slug, (message) => {
    if (message.type === RELOAD_MESSAGE || String(message.type).startsWith("linguistic.text")) reloadTexts();
    if (message.type === "linguistic.imported") reloadTexts();
  });
  const present = usePresence(slug);

  return (
    <section className="ling-texts">
      <div className="page-split">
        <div>
          <h2>Texts</h2>
          <ErrorBanner error={texts.error} />
          {texts.loading && !texts.data && <p className="loading">Loading…</p>}
          {texts.data && texts.data.results.length === 0 && <p className="empty">No texts yet.</p>}
          {texts.data && texts.data.results.length > 0 && (
            <table className="table" data-testid="text-list">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Language</th>
                  <th scope="col">Utterances</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Export</th>
                </tr>
              </thead>
              <tbody>
                {texts.data.results.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link to={`/projects/${slug}/texts/${t.id}`}>{t.title || "Untitled text"}</Link>
                      <PresenceAvatars
                        people={present.filter((person) => person.where.text === t.id)}
                        label="On this text"
                      />
                    </td>
                    <td>
                      {t.lang ?? "—"}
                      {t.glottocode && <span className="muted"> ({t.glottocode})</span>}
                    </td>
                    <td>{t.utterance_count ?? "—"}</td>
                    <td className="muted nowrap">{t.updated_at ? new Date(t.updated_at).toLocaleString() : ""}</td>
                    <td>
                      <a
                        className="ling-export-link"
                        href={linguisticApi.exportUrl(slug, "eaf", t.id)}
                        download
                        aria-label={`Export ${t.title || "this text"} as ELAN`}
                      >
                        ELAN
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {texts.data && (
            <Pager
              page={page}
              hasPrevious={!!texts.data.previous}
              hasNext={!!texts.data.next}
              count={texts.data.count}
              onPage={setPage}
            />
          )}
          <p className="muted">
            Export the corpus:{" "}
            {EXPORT_FORMATS.map((f) => (
              <a key={f} className="ling-export-link" href={linguisticApi.exportUrl(slug, f)} download>
                {f}
              </a>
            ))}
          </p>
          <ExportJobForm slug={slug} />
        </div>
        <div className="stack">
          {canEdit && <NewTextForm slug={slug} onCreated={texts.reload} />}
          {canImport && <ImportForm slug={slug} onImported={texts.reload} />}
        </div>
      </div>
    </section>
  );
}

function NewTextForm({ slug, onCreated }: { slug: string; onCreated: () => void }) {
  const [title, setTitle] = useState("");
  const [lang, setLang] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await linguisticApi.texts.create(slug, { title, lang: lang.trim() || null });
      setTitle("");
      setLang("");
      setError(null);
      onCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={submit} aria-label="New text">
      <h3>New text</h3>
      <ErrorBanner error={error} fieldNames={["title", "lang"]} />
      <Field label="Title" name="title" error={error}>
        {(control) => <input {...control} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field label="Language (ISO 639-3)" name="lang" error={error} hint="Three letters, e.g. lez">
        {(control) => (
          <input {...control} value={lang} maxLength={3} onChange={(e) => setLang(e.target.value)} />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          Create text
        </button>
      </div>
    </form>
  );
}

function ImportForm({ slug, onImported }: { slug: string; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat>("toolbox");
  const [eafMapping, setEafMapping] = useState<EafMapping | null>(null);
  const [markers, setMarkers] = useState<MappingChoice>({ preset: "detect", custom: EMPTY_CUSTOM, tolerant: false });
  const [error, setError] = useState<unknown>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { job, error: jobError, done } = useJob(jobId);
  const problems = importProblems(job);

  useEffect(() => {
    if (job?.state === "succeeded") onImported();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.state]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setJobId(null);
    try {
      let mapping: Record<string, unknown> | null = null;
      if (format === "toolbox" || format === "mdf") mapping = buildMapping(markers);
      else if (format === "eaf" && eafMapping) mapping = { ...cleanEafMapping(eafMapping) };
      const started = await linguisticApi.imports.start(slug, file, format, mapping);
      setJobId(started.id);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const result = job?.result as Record<string, number> | null | undefined;
  const warnings = (job?.result as { warnings?: { line: number | null; problem: string }[] } | null)?.warnings ?? [];
  return (
    <form className="form panel" onSubmit={submit} aria-label="Import">
      <h3>Import</h3>
      <ErrorBanner error={error ?? jobError} fieldNames={["file", "format", "mapping"]} />
      <Field label="File" name="file" error={error}>
        {(control) => (
          <input
            {...control}
            type="file"
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              // An ELAN file needs its tier mapping: choose the format that shows it.
              if (chosen && /\.eaf$/i.test(chosen.name)) setFormat("eaf");
            }}
          />
        )}
      </Field>
      <Field label="Format" name="format" error={error}>
        {(control) => (
          <select {...control} value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)}>
            {IMPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        )}
      </Field>
      {(format === "toolbox" || format === "mdf") && (
        <MarkerMappingFields slug={slug} file={file} choice={markers} onChange={setMarkers} />
      )}
      {format === "eaf" && <EafTierFields slug={slug} file={file} mapping={eafMapping} onChange={setEafMapping} />}
      <div className="form-actions">
        <button type="submit" disabled={!file || busy || (jobId !== null && !done) || (format === "eaf" && !eafMapping)}>
          Import
        </button>
      </div>
      {jobId && (
        <div className="ling-job" data-testid="import-job">
          <ProgressBar value={job ? job.progress : null} label="Import progress" />
          <p className="muted">{job ? `${job.state}${job.message ? ` — ${job.message}` : ""}` : "queued"}</p>
          {job?.state === "succeeded" && result && (
            <p className="banner banner-success" role="status">
              Imported {result.texts ?? 0} texts, {result.utterances ?? 0} utterances, {result.entries ?? 0} lexicon
              entries.
            </p>
          )}
          {job?.state === "succeeded" && warnings.length > 0 && (
            <details data-testid="import-warnings">
              <summary>{warnings.length} line(s) kept with what they had</summary>
              <ul>
                {warnings.map((w, i) => (
                  <li key={i}>
                    line {w.line ?? "—"}: {w.problem}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {job?.state === "failed" && (
            <div className="banner banner-error" role="alert" data-testid="import-problems">
              <div className="banner-body">
                <p>{String(job.error?.detail ?? "The import failed.")}</p>
                {problems.length > 0 && (
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Line</th>
                        <th scope="col">Problem</th>
                      </tr>
                    </thead>
                    <tbody>
                      {problems.map((p, i) => (
                        <tr key={i}>
                          <td>{p.line ?? "—"}</td>
                          <td>
                            {p.element && <code>{p.element}</code>} {p.problem}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            </div>
          )}
        </div>
      )}
    </form>
  );
}

/** A large corpus exports as a job: progress, then a download link (no request times out). */
function ExportJobForm({ slug }: { slug: string }) {
  const [format, setFormat] = useState<ExportFormat>("json");
  return (
    <div className="form-inline ling-export-job">
      <label>
        Export as a job{" "}
        <select aria-label="Export job format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          {EXPORT_FORMATS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <FileJob
        key={format}
        label={`Export ${format}`}
        start={() => linguisticApi.startExport(slug, format)}
        downloadUrl={(job) => linguisticApi.exportJobUrl(slug, job.id)}
      />
    </div>
  );
}
