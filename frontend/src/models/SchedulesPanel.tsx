import { useState, type FormEvent } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { modelsApi, type Schedule, type TaskInfo } from "./api";

function describe(s: Schedule): string {
  return s.trigger === "cron" ? `cron “${s.cron}”` : `after ${s.min_changes} changed utterances`;
}

export function SchedulesPanel({ slug, tasks, canManage }: { slug: string; tasks: TaskInfo[]; canManage: boolean }) {
  const schedules = useLoad(() => modelsApi.schedules.list(slug), [slug]);
  const [task, setTask] = useState("gloss");
  const [kind, setKind] = useState("memory");
  const [trigger, setTrigger] = useState<"cron" | "changes">("changes");
  const [cron, setCron] = useState("0 3 * * *");
  const [minChanges, setMinChanges] = useState("50");
  const [autoActivate, setAutoActivate] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const kinds = tasks.find((t) => t.name === task)?.kinds ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await modelsApi.schedules.create(slug, {
        task,
        kind,
        trigger,
        auto_activate: autoActivate,
        ...(trigger === "cron" ? { cron } : { min_changes: Number(minChanges) }),
      });
      schedules.reload();
    } catch (e) {
      setError(e);
    }
  };
  const change = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      schedules.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-label="Schedules">
      <h3>Retraining schedules</h3>
      <ErrorBanner error={error ?? schedules.error} />
      {(schedules.data ?? []).length === 0 ? (
        <p className="muted">No schedules.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Task / kind</th>
              <th>When</th>
              <th>Auto-activate</th>
              <th>Last</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(schedules.data ?? []).map((s) => (
              <tr key={s.id} data-testid="schedule-row">
                <td>
                  {s.task} / {s.kind}
                </td>
                <td>{describe(s)}</td>
                <td>{s.auto_activate ? "when better" : "no"}</td>
                <td className="muted">{s.last_outcome || "–"}</td>
                <td className="actions">
                  {canManage && (
                    <>
                      <button type="button" className="button-small button-secondary" onClick={() => void change(() => modelsApi.schedules.update(slug, s.id, { enabled: !s.enabled }))}>
                        {s.enabled ? "Pause" : "Resume"}
                      </button>
                      <button type="button" className="button-small button-danger" onClick={() => void change(() => modelsApi.schedules.remove(slug, s.id))}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form className="form form-inline" onSubmit={(e) => void submit(e)} aria-label="New schedule">
          <div className="field">
            <label htmlFor="ml-s-task">Task</label>
            <select id="ml-s-task" value={task} onChange={(e) => setTask(e.target.value)}>
              {tasks.map((t) => (
                <option key={t.name}>{t.name}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ml-s-kind">Kind</label>
            <select id="ml-s-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {kinds.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ml-s-trigger">Trigger</label>
            <select id="ml-s-trigger" value={trigger} onChange={(e) => setTrigger(e.target.value as "cron" | "changes")}>
              <option value="changes">after N changes</option>
              <option value="cron">cron</option>
            </select>
          </div>
          {trigger === "cron" ? (
            <div className="field">
              <label htmlFor="ml-s-cron">Cron (m h dom mon dow)</label>
              <input id="ml-s-cron" value={cron} onChange={(e) => setCron(e.target.value)} />
            </div>
          ) : (
            <div className="field">
              <label htmlFor="ml-s-n">Changed utterances</label>
              <input id="ml-s-n" type="number" min="1" value={minChanges} onChange={(e) => setMinChanges(e.target.value)} />
            </div>
          )}
          <div className="field">
            <label>
              <input type="checkbox" checked={autoActivate} onChange={(e) => setAutoActivate(e.target.checked)} /> Activate
              when it beats the active version
            </label>
          </div>
          <button type="submit">Add schedule</button>
        </form>
      )}
    </section>
  );
}
