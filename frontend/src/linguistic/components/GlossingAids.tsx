import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Pager } from "../../components/Pager";
import { ProgressBar } from "../../components/ProgressBar";
import { useJob } from "../../hooks/useJob";
import { useLoad } from "../../hooks/useLoad";
import { linguisticApi, type GlossLocation, type LinkResult } from "../api";

interface GlossingAidsProps {
  slug: string;
  /** The open text: its utterances are marked in the lists. */
  textId: string;
  canEdit: boolean;
  /** Called once an auto-link job succeeded (utterances changed on the server). */
  onLinked: () => void;
  /** Called once entries were created from the corpus. */
  onEntriesCreated: () => void;
}

const utteranceLink = (slug: string, text: string, utterance: string) =>
  `/projects/${slug}/texts/${encodeURIComponent(text)}?u=${encodeURIComponent(utterance)}`;

/**
 * The project's glossing checks and bulk actions, read only when opened: glosses with grams that
 * are not Leipzig, forms glossed in several ways, creating lexicon entries for unknown forms and
 * linking morphemes to entries (a job).
 */
export function GlossingAids(props: GlossingAidsProps) {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="panel ling-aids"
      data-testid="glossing-aids"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>Glossing aids</summary>
      {open && <AidsBody {...props} />}
    </details>
  );
}

function AidsBody({ slug, textId, canEdit, onLinked, onEntriesCreated }: GlossingAidsProps) {
  const [checkPage, setCheckPage] = useState(1);
  const [formsPage, setFormsPage] = useState(1);
  const check = useLoad(() => linguisticApi.glossing.check(slug, checkPage), [slug, checkPage]);
  const forms = useLoad(() => linguisticApi.glossing.consistency(slug, formsPage), [slug, formsPage]);
  const { reload: reloadCheck } = check;
  const { reload: reloadForms } = forms;

  const [replacing, setReplacing] = useState<string | null>(null);
  const [replaced, setReplaced] = useState<string>("");
  const [replaceError, setReplaceError] = useState<unknown>(null);
  const glossEverywhere = async (form: string, gloss: string) => {
    setReplacing(form);
    setReplaceError(null);
    try {
      const result = await linguisticApi.glossing.replace(slug, { form, to: gloss });
      setReplaced(
        `${form} is now glossed ${gloss} everywhere: ${result.morphemes} morphemes in ${result.utterances} utterances` +
          (result.skipped ? ` (${result.skipped} changed meanwhile and left as they were)` : "") +
          ".",
      );
      onLinked();
      reloadCheck();
      reloadForms();
    } catch (error) {
      setReplaceError(error);
    } finally {
      setReplacing(null);
    }
  };

  const where = (text: string) => (text === textId ? <span className="tag">this text</span> : null);

  // Opened, the aids take the focus: their first control, else the panel itself.
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const panel = body.current;
    (panel?.querySelector<HTMLElement>("button:not(:disabled), input, select, a[href]") ?? panel)?.focus();
  }, []);

  return (
    <div className="stack" ref={body} tabIndex={-1} aria-label="Glossing aids" role="group">
      {canEdit && (
        <Actions
          slug={slug}
          onLinked={() => {
            onLinked();
            reloadCheck();
            reloadForms();
          }}
          onEntriesCreated={onEntriesCreated}
        />
      )}

      <section aria-label="Unknown grams" data-testid="gloss-check">
        <h4>Glosses with unknown grams</h4>
        <ErrorBanner error={check.error} />
        {check.data && check.data.results.length === 0 && <p className="empty">Every gram is a Leipzig gram.</p>}
        {check.data && check.data.results.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Utterance</th>
                <th scope="col">Gloss</th>
                <th scope="col">Unknown</th>
              </tr>
            </thead>
            <tbody>
              {check.data.results.map((w) => (
                <tr key={`${w.utterance}-${w.word}-${w.morpheme ?? "-"}`}>
                  <td>
                    <Link to={utteranceLink(slug, w.text, w.utterance)}>({w.order + 1})</Link> {where(w.text)}
                  </td>
                  <td>
                    <code>{w.gloss}</code>
                  </td>
                  <td>
                    {w.unknown.map((gram) => (
                      <span key={gram} className="ling-gram ling-gram-unknown">
                        {gram}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {check.data && (
          <Pager
            page={checkPage}
            hasPrevious={!!check.data.previous}
            hasNext={!!check.data.next}
            count={check.data.count}
            onPage={setCheckPage}
          />
        )}
      </section>

      <section aria-label="Inconsistent glosses" data-testid="gloss-consistency">
        <h4>Forms glossed in several ways</h4>
        <ErrorBanner error={forms.error ?? replaceError} />
        {replaced && <p role="status">{replaced}</p>}
        {forms.data && forms.data.results.length === 0 && <p className="empty">Every form has one gloss.</p>}
        {forms.data && forms.data.results.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Form</th>
                <th scope="col">Glosses (uses)</th>
              </tr>
            </thead>
            <tbody>
              {forms.data.results.map((f) => (
                <tr key={f.form}>
                  <th scope="row">{f.form}</th>
                  <td>
                    <ul className="ling-aids-glosses">
                      {Object.entries(f.glosses)
                        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
                        .map(([gloss, uses]) => (
                          <li key={gloss}>
                            <code>{gloss || "(empty)"}</code> ×{uses}{" "}
                            <Example slug={slug} location={f.examples[gloss]?.[0]} />
                            {canEdit && gloss && " "}
                            {canEdit && gloss && (
                              <button
                                type="button"
                                className="button-link"
                                disabled={replacing !== null}
                                aria-label={`Gloss every ${f.form} as ${gloss}`}
                                onClick={() => glossEverywhere(f.form, gloss)}
                              >
                                use everywhere
                              </button>
                            )}
                          </li>
                        ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {forms.data && (
          <Pager
            page={formsPage}
            hasPrevious={!!forms.data.previous}
            hasNext={!!forms.data.next}
            count={forms.data.count}
            onPage={setFormsPage}
          />
        )}
      </section>
    </div>
  );
}

function Example({ slug, location }: { slug: string; location: GlossLocation | undefined }) {
  if (!location) return null;
  return (
    <Link className="muted" to={utteranceLink(slug, location.text, location.utterance)}>
      example
    </Link>
  );
}

function Actions({ slug, onLinked, onEntriesCreated }: { slug: string; onLinked: () => void; onEntriesCreated: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<number | null>(null);
  const [relink, setRelink] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const { job, error: jobError, done } = useJob(jobId);
  const result = job?.state === "succeeded" ? (job.result as LinkResult | null) : null;

  useEffect(() => {
    if (job?.state === "succeeded") onLinked();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.state]);

  const createEntries = async () => {
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      setCreated((await linguisticApi.glossing.createEntries(slug)).created);
      onEntriesCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const link = async () => {
    setBusy(true);
    setError(null);
    setJobId(null);
    try {
      setJobId((await linguisticApi.glossing.link(slug, relink)).id);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Lexicon actions">
      <ErrorBanner error={error ?? jobError} />
      <div className="form-actions">
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void createEntries()}>
          Create missing lexicon entries
        </button>
        <button type="button" disabled={busy || (jobId !== null && !done)} onClick={() => void link()}>
          Link morphemes to the lexicon
        </button>
        <label>
          <input type="checkbox" checked={relink} onChange={(event) => setRelink(event.target.checked)} /> re-link
          linked morphemes
        </label>
      </div>
      {created !== null && (
        <p className="banner banner-success" role="status">
          Created {created} {created === 1 ? "entry" : "entries"}.
        </p>
      )}
      {jobId && (
        <div className="ling-job" data-testid="link-job">
          <ProgressBar value={job ? job.progress : null} label="Linking progress" />
          <p className="muted">{job ? `${job.state}${job.message ? ` — ${job.message}` : ""}` : "queued"}</p>
          {result && (
            <p className="banner banner-success" role="status" data-testid="link-result">
              Linked {result.linked} morphemes ({result.ambiguous} ambiguous, {result.unmatched} unmatched);{" "}
              {result.utterances} utterances saved.
            </p>
          )}
          {job?.state === "failed" && (
            <p className="banner banner-error" role="alert">
              {String(job.error?.detail ?? "Linking failed.")}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
