import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useParams, useSearchParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { useLoad } from "../../hooks/useLoad";
import { RELOAD_MESSAGE, useAnnounce, usePresence, useProjectSocket } from "../../hooks/useProjectSocket";
import type { SocketMessage } from "../../api";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import { headword, isConflict, linguisticApi, MORPH_TYPES, senseGloss, type Entry } from "../api";
import { HistoryPanel } from "../components/HistoryPanel";
import { entryLines } from "../history";
import { fromForm, newSenseId, toForm, type EntryForm } from "../lexiconModel";
import { useDictionarySearch } from "../useDictionarySearch";

/** How long typing must pause before the search goes to the server. */
export { SEARCH_DEBOUNCE_MS } from "../useDictionarySearch";

/**
 * Lexicon list, searched and paged by the server (`dictionary/`: headwords, variants and glosses
 * by prefix, exact headwords first), and an editor for one entry (version-checked saves).
 */
export function LexiconPage() {
  const { slug = "" } = useParams();
  const { project } = useProjectContext();
  const canEdit = hasRole(project.my_role, "annotator");
  const [params, setParams] = useSearchParams();
  const selected = params.get("entry");
  const { query, setQuery, page, setPage, entries } = useDictionarySearch(slug);
  // The list's entries carry search extras (examples); the editor works on the stored entry.
  const current = useLoad(
    () => (selected && selected !== "new" ? linguisticApi.lexicon.get(slug, selected) : Promise.resolve(null)),
    [slug, selected],
  );
  const shown = entries.data?.results ?? [];

  // Live: others' saves refresh the list; a newer version of the open entry is offered, not
  // swapped in, so that typing in the editor survives.
  const [newer, setNewer] = useState<Entry | null>(null);
  const reloadList = entries.reload;
  const openVersion = current.data?.version ?? 0;
  const onMessage = useCallback(
    (message: SocketMessage) => {
      if (message.type === RELOAD_MESSAGE) reloadList();
      if (!String(message.type).startsWith("linguistic.entr")) return;
      reloadList();
      const data = message.data as Entry | undefined;
      if (data && data.id === selected && data.version > openVersion) setNewer(data);
    },
    [reloadList, selected, openVersion],
  );
  useProjectSocket(slug, onMessage);
  // Another entry, or a newer open version: the offer goes, unless it is newer still (another
  // person's save whose event came while this tab's own save was in flight).
  useEffect(
    () => setNewer((offered) => (offered && offered.id === selected && offered.version > openVersion ? offered : null)),
    [selected, openVersion],
  );

  // Presence on the entry, soft-locked while one may edit it.
  const editingEntry = selected && selected !== "new" ? selected : null;
  useAnnounce(slug, editingEntry ? { page: "lexicon", entry: editingEntry } : { page: "lexicon" }, canEdit ? editingEntry : null);
  const present = usePresence(slug);
  const on = (entryId: string) => present.filter((person) => person.where.entry === entryId);
  const holders = editingEntry ? on(editingEntry).filter((person) => person.locks.includes(editingEntry)) : [];

  const onSaved = (saved: Entry) => {
    current.setData(saved);
    entries.reload();
    if (saved.id !== selected) setParams({ entry: saved.id });
  };

  return (
    <section className="ling-lexicon page-split">
      <div>
        <h2>Lexicon</h2>
        <div className="form-inline">
          <label>
            <span className="visually-hidden">Search the lexicon</span>
            <input
              type="search"
              placeholder="Search forms and glosses"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              aria-label="Search the lexicon"
            />
          </label>
          {canEdit && (
            <button type="button" className="button-secondary" onClick={() => setParams({ entry: "new" })}>
              New entry
            </button>
          )}
        </div>
        <ErrorBanner error={entries.error} />
        {entries.loading && !entries.data && <p className="loading">Loading…</p>}
        {entries.data && shown.length === 0 && <p className="empty">No entries.</p>}
        <ul className="list ling-entry-list" data-testid="lexicon-list">
          {shown.map((e) => (
            <li key={e.id} className={e.id === selected ? "active" : undefined}>
              <button type="button" className="button-link" onClick={() => setParams({ entry: e.id })}>
                <strong>{headword(e)}</strong>
              </button>
              <PresenceAvatars people={on(e.id)} label="On this entry" />{" "}
              {e.pos && <span className="ling-pos-tag">{e.pos}</span>}{" "}
              <span className="muted">{(e.senses ?? []).map((s) => senseGloss(s)).filter(Boolean).join("; ")}</span>
            </li>
          ))}
        </ul>
        {entries.data && (
          <Pager
            page={page}
            hasPrevious={!!entries.data.previous}
            hasNext={!!entries.data.next}
            count={entries.data.count}
            onPage={setPage}
          />
        )}
      </div>
      <div>
        <ErrorBanner error={current.error} />
        {holders.length > 0 && (
          <p className="lock-note" data-testid="lock-note">
            {holders.map((person) => person.user).join(", ")} editing this entry
          </p>
        )}
        {newer && (
          <p className="banner" role="status" data-testid="remote-change">
            {newer.updated_by} saved version {newer.version} of this entry.{" "}
            <button type="button" className="button-small button-secondary" onClick={() => current.setData(newer)}>
              Show their version
            </button>
          </p>
        )}
        {(selected === "new" || (current.data && current.data.id === selected)) && (
          <EntryEditor
            key={`${selected}-${current.data?.version ?? 0}`}
            slug={slug}
            entry={selected === "new" ? null : (current.data ?? null)}
            objectLang={project.object_languages[0] ?? "und"}
            canEdit={canEdit}
            onSaved={onSaved}
          />
        )}
        {current.data && current.data.id === selected && (
          <EntryHistory slug={slug} entry={current.data} canEdit={canEdit} onReverted={onSaved} />
        )}
      </div>
    </section>
  );
}

/** The open entry's history behind a toggle: diff against any past version and revert. */
function EntryHistory({ slug, entry, canEdit, onReverted }: { slug: string; entry: Entry; canEdit: boolean; onReverted: (entry: Entry) => void }) {
  const [open, setOpen] = useState(false);
  const id = entry.id;
  const loadHistory = useCallback(() => linguisticApi.lexicon.history(slug, id), [slug, id]);
  const loadVersion = useCallback((version: number) => linguisticApi.lexicon.version(slug, id, version), [slug, id]);
  return (
    <div className="ling-entry-history">
      <button type="button" className="button-secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        Entry history
      </button>
      {open && (
        <HistoryPanel
          title={`History of ${headword(entry) || "this entry"}`}
          current={entry}
          lines={entryLines}
          canEdit={canEdit}
          loadHistory={loadHistory}
          loadVersion={loadVersion}
          onRevert={async (toVersion) => onReverted(await linguisticApi.lexicon.revert(slug, id, entry.version, toVersion))}
        />
      )}
    </div>
  );
}

interface EntryEditorProps {
  slug: string;
  entry: Entry | null;
  objectLang: string;
  canEdit: boolean;
  onSaved: (entry: Entry) => void;
}

function EntryEditor({ slug, entry, objectLang, canEdit, onSaved }: EntryEditorProps) {
  const [form, setForm] = useState<EntryForm>(() => toForm(entry));
  const [base, setBase] = useState<Entry | null>(entry);
  const [error, setError] = useState<unknown>(null);
  const [theirs, setTheirs] = useState<Entry | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setBase(entry), [entry]);

  const save = async (version?: number) => {
    setBusy(true);
    setError(null);
    try {
      const body = fromForm(form, base, objectLang);
      const saved = base
        ? await linguisticApi.lexicon.save(slug, base.id, version ?? base.version, body)
        : await linguisticApi.lexicon.create(slug, body);
      setTheirs(null);
      onSaved(saved);
    } catch (reason) {
      if (isConflict<Entry>(reason)) setTheirs(reason.current);
      else setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save();
  };

  const setSense = (i: number, change: Partial<EntryForm["senses"][number]>) =>
    setForm({ ...form, senses: form.senses.map((s, j) => (j === i ? { ...s, ...change } : s)) });

  return (
    <form className="form panel" onSubmit={submit} aria-label="Lexicon entry">
      <h3>{entry ? `Edit “${headword(entry)}”` : "New entry"}</h3>
      {base && <p className="muted">Version {base.version}</p>}
      <ErrorBanner error={error} fieldNames={["forms", "type", "pos", "senses"]} />
      {theirs && (
        <div className="panel panel-danger" role="alert" data-testid="entry-conflict">
          <p>
            This entry was saved by {theirs.updated_by ?? "someone else"} (version {theirs.version}) while you were
            editing. Theirs: <strong>{headword(theirs)}</strong>{" "}
            {(theirs.senses ?? []).map((s) => senseGloss(s)).join("; ")}
          </p>
          <div className="form-actions">
            <button type="button" onClick={() => void save(theirs.version)} disabled={busy}>
              Keep mine (overwrite)
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setForm(toForm(theirs));
                setBase(theirs);
                setTheirs(null);
              }}
            >
              Take theirs
            </button>
          </div>
        </div>
      )}
      <fieldset disabled={!canEdit}>
        <Field label="Headword" name="forms" error={error}>
          {(c) => <input {...c} value={form.headword} onChange={(e) => setForm({ ...form, headword: e.target.value })} required />}
        </Field>
        <Field label="Morph type" name="type" error={error}>
          {(c) => (
            <select {...c} value={form.morphType} onChange={(e) => setForm({ ...form, morphType: e.target.value })}>
              <option value="">—</option>
              {MORPH_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Part of speech" name="pos" error={error}>
          {(c) => <input {...c} value={form.pos} onChange={(e) => setForm({ ...form, pos: e.target.value })} />}
        </Field>
        <h4>Senses</h4>
        {form.senses.map((s, i) => (
          <div className="ling-sense" key={s.id}>
            <span className="ling-number">{i + 1}.</span>
            <Field label="Gloss" name={`senses.${i}.gloss`} error={error}>
              {(c) => <input {...c} value={s.gloss} onChange={(e) => setSense(i, { gloss: e.target.value })} />}
            </Field>
            <Field label="Definition" name={`senses.${i}.definition`} error={error}>
              {(c) => <input {...c} value={s.definition} onChange={(e) => setSense(i, { definition: e.target.value })} />}
            </Field>
            <button
              type="button"
              className="button-link"
              onClick={() => setForm({ ...form, senses: form.senses.filter((_, j) => j !== i) })}
              aria-label={`Remove sense ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-secondary button-small"
          onClick={() => setForm({ ...form, senses: [...form.senses, { id: newSenseId(), gloss: "", definition: "", rest: {} }] })}
        >
          Add sense
        </button>
        <div className="form-actions">
          <button type="submit" disabled={busy || !form.headword.trim()}>
            {entry ? "Save entry" : "Create entry"}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
