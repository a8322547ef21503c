import { Link, useParams } from "react-router";
import type { SocketMessage } from "../../api";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { RELOAD_MESSAGE, useAnnounce, usePresence, useProjectSocket } from "../../hooks/useProjectSocket";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Pager } from "../../components/Pager";
import { headword, linguisticApi, senseGloss } from "../api";
import { FileJob } from "../components/FileJob";
import { useDictionarySearch } from "../useDictionarySearch";

const SEARCH_DELAY_MS = 200;
const DICTIONARY_PLACE = { page: "dictionary" };

/**
 * The web dictionary: search as you type through `dictionary/?q=` (prefix search over folded
 * headwords, variants and glosses; exact headwords first), each entry with its senses and up to
 * three corpus examples; and the print dictionary, typeset as a job.
 */
export function DictionaryPage() {
  const { slug = "" } = useParams();
  const { query, setQuery, page, setPage, entries } = useDictionarySearch(slug, SEARCH_DELAY_MS);
  const reload = entries.reload;
  useProjectSocket(slug, (message: SocketMessage) => {
    if (message.type === RELOAD_MESSAGE || String(message.type).startsWith("linguistic.entr")) reload();
  });
  useAnnounce(slug, DICTIONARY_PLACE);
  const present = usePresence(slug);

  return (
    <section className="ling-dictionary">
      <h2>Dictionary</h2>
      <div className="form-inline">
        <input
          type="search"
          className="ling-dictionary-search"
          placeholder="Type a form or a gloss"
          aria-label="Search the dictionary"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
        />
        <FileJob
          label="Print dictionary (PDF)"
          start={() => linguisticApi.startDictionaryPdf(slug)}
          downloadUrl={(job) => linguisticApi.dictionaryPdfUrl(slug, job.id)}
        />
      </div>
      <ErrorBanner error={entries.error} />
      {entries.loading && !entries.data && <p className="loading">Loading…</p>}
      {entries.data && (
        <p className="muted">
          {entries.data.count} {entries.data.count === 1 ? "entry" : "entries"}
        </p>
      )}
      <dl className="ling-dictionary-list" data-testid="dictionary">
        {(entries.data?.results ?? []).map((e) => (
          <div key={e.id} className="ling-dictionary-entry">
            <dt>
              <Link to={`/projects/${slug}/lexicon?entry=${encodeURIComponent(e.id)}`}>{headword(e)}</Link>{" "}
              {e.type && <span className="muted">{e.type}</span>} {e.pos && <em>{e.pos}</em>}
              <PresenceAvatars people={present.filter((person) => person.where.entry === e.id)} label="On this entry" />
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
              {e.examples.length > 0 && (
                <ul className="ling-dictionary-examples" aria-label={`Examples of ${headword(e)}`}>
                  {e.examples.map((x) => (
                    <li key={x.utterance}>
                      <Link to={`/projects/${slug}/texts/${x.text}?u=${encodeURIComponent(x.utterance)}`}>
                        <i>{x.transcription}</i>
                      </Link>
                      {Object.values(x.translations)[0] && <> ‘{Object.values(x.translations)[0]}’</>}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        ))}
      </dl>
      {entries.data && (
        <Pager
          page={page}
          hasPrevious={!!entries.data.previous}
          hasNext={!!entries.data.next}
          count={entries.data.count}
          onPage={setPage}
        />
      )}
    </section>
  );
}
