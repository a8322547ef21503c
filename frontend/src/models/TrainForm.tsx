import { useState, type FormEvent } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { useProjectContext } from "../pages/ProjectLayout";
import { modelsApi, type TaskInfo } from "./api";

/** Task, model kind and the few parameters worth changing from the page; the rest keep defaults. */
export function TrainForm({ tasks, onStarted }: { tasks: TaskInfo[]; onStarted: () => void }) {
  const { project } = useProjectContext();
  const usable = tasks.filter((t) => t.kinds.length > 0);
  const [task, setTask] = useState(usable.find((t) => t.name === "gloss")?.name ?? usable[0]?.name ?? "");
  const kinds = usable.find((t) => t.name === task)?.kinds ?? [];
  const [kind, setKind] = useState(kinds[0] ?? "");
  const [heldout, setHeldout] = useState("0.1");
  const [seed, setSeed] = useState("13");
  const [epochs, setEpochs] = useState("3");
  const [activate, setActivate] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chosenKind = kinds.includes(kind) ? kind : (kinds[0] ?? "");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const params: Record<string, unknown> = { heldout: Number(heldout), seed: Number(seed) };
    if (chosenKind === "transformer") params.epochs = Number(epochs);
    try {
      await modelsApi.runs.start(project.slug, { task, kind: chosenKind, params, activate });
      onStarted();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form-inline ml-train" onSubmit={(e) => void submit(e)} aria-label="Train a model">
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor="ml-task">Task</label>
        <select id="ml-task" value={task} onChange={(e) => setTask(e.target.value)}>
          {usable.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ml-kind">Model kind</label>
        <select id="ml-kind" value={chosenKind} onChange={(e) => setKind(e.target.value)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ml-heldout">Held-out share</label>
        <input id="ml-heldout" type="number" step="0.05" min="0.05" max="0.5" value={heldout} onChange={(e) => setHeldout(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="ml-seed">Seed</label>
        <input id="ml-seed" type="number" min="0" value={seed} onChange={(e) => setSeed(e.target.value)} />
      </div>
      {chosenKind === "transformer" && (
        <div className="field">
          <label htmlFor="ml-epochs">Epochs</label>
          <input id="ml-epochs" type="number" min="1" max="200" value={epochs} onChange={(e) => setEpochs(e.target.value)} />
        </div>
      )}
      <div className="field">
        <label>
          <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} /> Activate when done
        </label>
      </div>
      <button type="submit" disabled={busy || !task || !chosenKind}>
        Train
      </button>
    </form>
  );
}
