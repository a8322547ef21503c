import { useEffect, useState, type FormEvent, type KeyboardEvent } from "react";
import { useParams } from "react-router";
import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { linkedApi, showTerm, type QueryAnswer } from "./api";

/**
 * SPARQL over the project's graph: an editor (Ctrl-Enter runs), the worked examples the server
 * publishes, and the answer as a table. The endpoint refuses updates and reaches no other
 * project's graph; long answers stop at the row cap.
 */
export function QueryPage() {
  const { slug = "" } = useParams();
  const status = useLoad(() => linkedApi.status(slug), [slug]);
  const [query, setQuery] = useState("");
  const [answer, setAnswer] = useState<QueryAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const examples = status.data?.examples ?? [];
  const prefixes = status.data?.prefixes ?? {};

  useEffect(() => {
    const first = examples[0];
    if (!query && first) setQuery(first.query);
  }, [examples, query]);

  const run = async (text: string) => {
    setRunning(true);
    setError(null);
    try {
      setAnswer(await linkedApi.query(slug, text));
    } catch (reason) {
      setAnswer(null);
      setError(reason);
    } finally {
      setRunning(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(query);
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run(query);
    }
  };

  const vars = answer?.results.head.vars ?? [];
  const bindings = answer?.results.results?.bindings ?? [];

  return (
    <section className="rdf-query">
      <h2>SPARQL query</h2>
      <ErrorBanner error={status.error} />
      {status.data && (
        <p className="muted">
          Graph <code>{status.data.graph}</code>: at most {status.data.max_rows} rows,{" "}
          {status.data.timeout_s} s per query
          {status.data.pending ? `; ${status.data.pending} changes still being applied` : ""}.
        </p>
      )}
      <div className="rdf-examples" role="group" aria-label="Worked examples">
        {examples.map((example) => (
          <button
            key={example.name}
            type="button"
            title={example.description}
            onClick={() => {
              setQuery(example.query);
              void run(example.query);
            }}
          >
            {example.name}
          </button>
        ))}
      </div>
      <form className="form" onSubmit={submit} aria-label="SPARQL query">
        <label htmlFor="sparql-query">Query</label>
        <textarea
          id="sparql-query"
          className="rdf-editor"
          rows={14}
          spellCheck={false}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" disabled={running || !query.trim()}>
          {running ? "Running…" : "Run query"}
        </button>
      </form>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {answer && answer.results.boolean !== undefined && (
        <p data-testid="sparql-boolean">Answer: {answer.results.boolean ? "yes" : "no"}</p>
      )}
      {answer && answer.results.results && (
        <>
          <p className="muted" data-testid="sparql-summary">
            {bindings.length} {bindings.length === 1 ? "row" : "rows"} in {answer.ms} ms
            {answer.truncated ? " (stopped at the row cap)" : ""}
          </p>
          <div className="table-scroll">
            <table className="table" aria-label="Query results">
              <thead>
                <tr>
                  {vars.map((v) => (
                    <th key={v}>{v}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {bindings.map((row, i) => (
                  <tr key={i}>
                    {vars.map((v) => (
                      <td key={v}>
                        {row[v]?.type === "uri" ? (
                          <a href={row[v].value.includes("/ld/") ? row[v].value.slice(row[v].value.indexOf("/ld/")) : row[v].value}>
                            {showTerm(row[v], prefixes)}
                          </a>
                        ) : (
                          showTerm(row[v], prefixes)
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
