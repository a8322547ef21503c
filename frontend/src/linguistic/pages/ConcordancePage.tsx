import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { useLoad } from "../../hooks/useLoad";
import { linguisticApi, type ConcordanceField, type ConcordanceMode, type ConcordanceResult } from "../api";
import { kwicLines, type KwicLine } from "../kwic";

const FIELDS: ConcordanceField[] = ["form", "gloss", "lemma", "pos", "translation"];
const MODES: ConcordanceMode[] = ["exact", "prefix", "regex"];

/**
 * Search morpheme forms, glosses, lemmas, POS or translation words; one KWIC line per hit, paged
 * by utterance (each result carries its words, so no further requests).
 */
export function ConcordancePage() {
  const { slug = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const field = (params.get("field") as ConcordanceField) || "gloss";
  const mode = (params.get("mode") as ConcordanceMode) || "exact";
  const q = params.get("q") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [draft, setDraft] = useState({ field, mode, q });

  const lang = params.get("lang") || "en";
  // A refused query (a bad pattern, say) shows its error alone, not above the last results.
  const found = useLoad(
    () => (q ? linguisticApi.concordance(slug, { field, mode, q, lang, page }) : Promise.resolve(null)),
    [slug, field, mode, q, lang, page],
  );

  const shown = found.error ? null : found.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ field: draft.field, mode: draft.mode, q: draft.q, page: "1" });
  };

  return (
    <section className="ling-concordance">
      <h2>Concordance</h2>
      <form className="form form-inline" onSubmit={submit} aria-label="Concordance search">
        <Field label="Field" name="field" error={found.error}>
          {(c) => (
            <select {...c} value={draft.field} onChange={(e) => setDraft({ ...draft, field: e.target.value as ConcordanceField })}>
              {FIELDS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Match" name="mode" error={found.error}>
          {(c) => (
            <select {...c} value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.target.value as ConcordanceMode })}>
              {MODES.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Query" name="q" error={found.error}>
          {(c) => <input {...c} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />}
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={!draft.q}>
            Search
          </button>
        </div>
      </form>
      <ErrorBanner error={found.error} fieldNames={["field", "mode", "q"]} />
      {found.loading && q && <p className="loading">Searching…</p>}
      {shown && shown.results.length === 0 && <p className="empty">No matches.</p>}
      {shown && shown.results.length > 0 && (
        <>
          <p className="muted" data-testid="kwic-count">
            {shown.hits} {shown.hits === 1 ? "hit" : "hits"} in {shown.count}{" "}
            {shown.count === 1 ? "utterance" : "utterances"}
          </p>
          <table className="table ling-kwic" data-testid="kwic">
            <tbody>
              {shown.results.flatMap((result) =>
                kwicLines(result, lang).map((line, i) => (
                  <KwicRow key={`${result.utterance}-${i}`} slug={slug} result={result} line={line} />
                )),
              )}
            </tbody>
          </table>
          <Pager
            page={page}
            hasPrevious={!!shown.previous}
            hasNext={!!shown.next}
            count={shown.count}
            onPage={(p) => setParams({ field, mode, q, lang, page: String(p) })}
          />
        </>
      )}
    </section>
  );
}

function KwicRow({ slug, result, line }: { slug: string; result: ConcordanceResult; line: KwicLine }) {
  return (
    <tr>
      <td className="ling-kwic-left">{line.left}</td>
      <td className="ling-kwic-key">
        <Link to={`/projects/${slug}/texts/${encodeURIComponent(result.text)}?u=${encodeURIComponent(result.utterance)}`}>
          {line.before}
          <mark>{line.match}</mark>
          {line.after}
        </Link>
        {line.gloss && <div className="ling-kwic-gloss">{line.gloss}</div>}
      </td>
      <td className="ling-kwic-right">{line.right}</td>
      <td className="muted nowrap">
        {result.text_title || "Untitled text"} ({result.order + 1})
      </td>
    </tr>
  );
}
