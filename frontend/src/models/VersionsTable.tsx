import type { Version } from "./api";
import { percent } from "./plots";

interface Props {
  versions: Version[];
  canManage: boolean;
  selected: number | null;
  onSelect: (id: number) => void;
  onActivate: (version: Version) => void;
  onRollback: (task: string) => void;
}

export function VersionsTable({ versions, canManage, selected, onSelect, onActivate, onRollback }: Props) {
  if (versions.length === 0) return <p className="muted">No model versions yet: train or import one.</p>;
  const tasks = [...new Set(versions.map((v) => v.task))];
  return (
    <>
      <table className="table ml-versions">
        <thead>
          <tr>
            <th>Task</th>
            <th>Version</th>
            <th>Kind</th>
            <th>Source</th>
            <th>Status</th>
            <th>Word acc.</th>
            <th>Morpheme acc.</th>
            <th>Macro F1</th>
            <th>Accepted</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-testid="version-row" className={v.id === selected ? "selected" : undefined}>
              <td>{v.task}</td>
              <td>v{v.number}</td>
              <td>{v.kind}</td>
              <td title={v.name || undefined}>{v.source}</td>
              <td data-testid="version-status">{v.status}</td>
              <td className="num" data-testid="version-word-accuracy">
                {percent(v.headline.word_accuracy)}
              </td>
              <td className="num">{percent(v.headline.morpheme_accuracy)}</td>
              <td className="num">{percent(v.headline.macro_f1)}</td>
              <td className="num" data-testid="version-acceptance">
                {v.acceptance.total ? `${percent(v.acceptance.rate, 0)} of ${v.acceptance.total}` : "–"}
              </td>
              <td className="actions">
                <button type="button" className="button-small button-secondary" onClick={() => onSelect(v.id)}>
                  Details
                </button>
                {canManage && v.status !== "active" && (
                  <button type="button" className="button-small" onClick={() => onActivate(v)}>
                    Activate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && (
        <p className="form-actions">
          {tasks.map((task) => (
            <button key={task} type="button" className="button-small button-secondary" onClick={() => onRollback(task)}>
              Roll back {task}
            </button>
          ))}
        </p>
      )}
    </>
  );
}
