import { useState, type FormEvent } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { modelsApi, type TaskInfo } from "./api";

/** A Hugging Face folder (zip/tar: config, safetensors, tokenizer) or a skops file. */
export function ImportForm({ slug, tasks, onImported }: { slug: string; tasks: TaskInfo[]; onImported: () => void }) {
  const [task, setTask] = useState("gloss");
  const [kind, setKind] = useState("transformer");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState("");
  const kinds = tasks.find((t) => t.name === task)?.kinds ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone("");
    try {
      const version = await modelsApi.versions.importFile(slug, task, kind, file);
      setDone(`Imported as ${version.task} v${version.number}.`);
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Import a model">
      <h3>Import a model</h3>
      <ErrorBanner error={error} />
      {done && <p role="status">{done}</p>}
      <div className="field">
        <label htmlFor="ml-import-task">Task</label>
        <select id="ml-import-task" value={task} onChange={(e) => setTask(e.target.value)}>
          {tasks.map((t) => (
            <option key={t.name}>{t.name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ml-import-kind">Kind</label>
        <select id="ml-import-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {kinds.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ml-import-file">Model file (.zip, .tar.gz or .skops)</label>
        <input id="ml-import-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <button type="submit" disabled={busy || !file}>
        Import
      </button>
    </form>
  );
}

/** A Label Studio ML backend reached by URL; it must answer /health and /setup. */
export function ExternalForm({ slug, tasks, onRegistered }: { slug: string; tasks: TaskInfo[]; onRegistered: () => void }) {
  const [task, setTask] = useState("gloss");
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const [timeout, setTimeoutSeconds] = useState("5");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await modelsApi.versions.external(slug, { task, url, token, timeout: Number(timeout) });
      setUrl("");
      onRegistered();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="External model server">
      <h3>External model server</h3>
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor="ml-ext-task">Task</label>
        <select id="ml-ext-task" value={task} onChange={(e) => setTask(e.target.value)}>
          {tasks.filter((t) => t.serves_suggestions).map((t) => (
            <option key={t.name}>{t.name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ml-ext-url">ML backend URL</label>
        <input id="ml-ext-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="ml-ext-token">Token</label>
        <input id="ml-ext-token" value={token} onChange={(e) => setToken(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="ml-ext-timeout">Timeout (s)</label>
        <input id="ml-ext-timeout" type="number" min="0.1" max="60" step="0.1" value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} />
      </div>
      <button type="submit" disabled={busy || !url}>
        Register
      </button>
    </form>
  );
}
