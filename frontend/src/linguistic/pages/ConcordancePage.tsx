import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { useLoad } from "../../hooks/useLoad";
import {
  linguisticApi,
  type ConcordanceField,
  type ConcordanceMode,
  type Hit,
  type Utterance,
} from "../api";
import { kwic } from "../kwic";

const FIELDS: ConcordanceField[] = ["form", "gloss", "lemma", "pos", "translation"];
const MODES: ConcordanceMode[] = ["exact", "prefix", "regex"];

/** Search morpheme forms, glosses, lemmas, POS or translations; hits in KWIC with context. */
export function ConcordancePage() {
  const { slug = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const field = (params.get("field") as ConcordanceField) || "gloss";
  const mode = (params.get("mode") as ConcordanceMode) || "exact";
  const q = params.get("q") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [draft, setDraft] = useState({ field, mode, q });

  const hits = useLoad(async () => {
    if (!q) return null;
    const result = await linguisticApi.concordance(slug, { field, mode, q, page });
    const ids = [...new Set(result.results.map((h) => h.utterance))];
    const docs = await Promise.all(ids.map((uid) => linguisticApi.utterances.get(slug, uid)));
    const byId = new Map(docs.map((d) => [d.id, d]));
    return { ...result, byId };
  }, [slug, field, mode, q, page]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ field: draft.field, mode: draft.mode, q: draft.q, page: "1" });
  };

  return (
    <section className="ling-concordance">
      <h2>Concordance</h2>
      <form className="form form-inline" onSubmit={submit} aria-label="Concordance search">
        <Field label="Field" name="field" error={hits.error}>
          {(c) => (
            <select {...c} value={draft.field} onChange={(e) => setDraft({ ...draft, field: e.target.value as ConcordanceField })}>
              {FIELDS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Match" name="mode" error={hits.error}>
          {(c) => (
            <select {...c} value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.target.value as ConcordanceMode })}>
              {MODES.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Query" name="q" error={hits.error}>
          {(c) => <input {...c} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />}
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={!draft.q}>
            Search
          </button>
        </div>
      </form>
      <ErrorBanner error={hits.error} fieldNames={["field", "mode", "q"]} />
      {hits.loading && q && <p className="loading">Searching…</p>}
      {hits.data && hits.data.results.length === 0 && <p className="empty">No matches.</p>}
      {hits.data && hits.data.results.length > 0 && (
        <>
          <p className="muted">
            {hits.data.count} {hits.data.count === 1 ? "hit" : "hits"}
          </p>
          <table className="table ling-kwic" data-testid="kwic">
            <tbody>
              {hits.data.results.map((hit, i) => (
                <KwicRow key={i} slug={slug} hit={hit} utterance={hits.data!.byId.get(hit.utterance)} />
              ))}
            </tbody>
          </table>
          <Pager
            page={page}
            hasPrevious={!!hits.data.previous}
            hasNext={!!hits.data.next}
            count={hits.data.count}
            onPage={(p) => setParams({ field, mode, q, page: String(p) })}
          />
        </>
      )}
    </section>
  );
}

function KwicRow({ slug, hit, utterance }: { slug: string; hit: Hit; utterance: Utterance | undefined }) {
  const line = kwic(hit, utterance);
  return (
    <tr>
      <td className="ling-kwic-left">{line.left}</td>
      <td className="ling-kwic-key">
        <Link to={`/projects/${slug}/texts/${hit.text}?u=${encodeURIComponent(hit.utterance)}`}>
          {line.before}
          <mark>{line.match}</mark>
          {line.after}
        </Link>
        {line.gloss && <div className="ling-kwic-gloss">{line.gloss}</div>}
      </td>
      <td className="ling-kwic-right">{line.right}</td>
      <td className="muted nowrap">({hit.order + 1})</td>
    </tr>
  );
}
