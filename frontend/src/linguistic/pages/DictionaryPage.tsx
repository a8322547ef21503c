import { useDeferredValue, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { headword, linguisticApi, senseGloss } from "../api";
import { searchEntries, sortEntries } from "../lexiconModel";

/**
 * A read-only dictionary view with search as you type. The backend has no dictionary endpoint
 * (yet), so the whole lexicon is read once and searched here.
 */
export function DictionaryPage() {
  const { slug = "" } = useParams();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const entries = useLoad(() => linguisticApi.lexicon.listAll(slug), [slug]);
  const shown = useMemo(() => sortEntries(searchEntries(entries.data ?? [], deferred)), [entries.data, deferred]);

  return (
    <section className="ling-dictionary">
      <h2>Dictionary</h2>
      <input
        type="search"
        className="ling-dictionary-search"
        placeholder="Type a form or a gloss"
        aria-label="Search the dictionary"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoFocus
      />
      <ErrorBanner error={entries.error} />
      {entries.loading && !entries.data && <p className="loading">Loading…</p>}
      {entries.data && <p className="muted">{shown.length} of {entries.data.length} entries</p>}
      <dl className="ling-dictionary-list" data-testid="dictionary">
        {shown.slice(0, 300).map((e) => (
          <div key={e.id} className="ling-dictionary-entry">
            <dt>
              <Link to={`/projects/${slug}/lexicon?entry=${encodeURIComponent(e.id)}`}>{headword(e)}</Link>{" "}
              {e.type && <span className="muted">{e.type}</span>} {e.pos && <em>{e.pos}</em>}
            </dt>
            <dd>
              {(e.senses ?? []).length === 0 && <span className="muted">no senses</span>}
              <ol>
                {(e.senses ?? []).map((s) => (
                  <li key={s.id}>
                    <strong>{senseGloss(s)}</strong>
                    {s.definition && Object.values(s.definition)[0] && <> — {Object.values(s.definition)[0]}</>}
                  </li>
                ))}
              </ol>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
