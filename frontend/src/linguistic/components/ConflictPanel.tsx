import type { Utterance } from "../api";
import { diffCells, mergeUtterances } from "../conflict";

interface ConflictPanelProps {
  base: Utterance;
  mine: Utterance;
  theirs: Utterance;
  busy: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onMerge: (merged: Utterance) => void;
}

/** Their version next to mine, cell by cell, and the three ways out. */
export function ConflictPanel({ base, mine, theirs, busy, onKeepMine, onTakeTheirs, onMerge }: ConflictPanelProps) {
  const diffs = diffCells(base, mine, theirs);
  const merge = mergeUtterances(base, mine, theirs);
  const canMerge = merge !== null && merge.clashes.length === 0;
  return (
    <section className="panel panel-danger ling-conflict" role="alert" data-testid="conflict-panel">
      <h3>Someone else saved this utterance</h3>
      <p>
        {theirs.updated_by ? `${theirs.updated_by} saved` : "It was saved as"} version {theirs.version}{" "}
        while you were editing version {base.version}. Your changes are still in the editor.
      </p>
      {diffs.length > 0 ? (
        <table className="table ling-conflict-table">
          <thead>
            <tr>
              <th scope="col">Cell</th>
              <th scope="col">Theirs (v{theirs.version})</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {diffs.map((d) => (
              <tr key={d.path} className={d.clash ? "ling-clash" : undefined}>
                <th scope="row">{d.label}</th>
                <td data-testid="conflict-theirs">{d.theirs || <span className="muted">(empty)</span>}</td>
                <td data-testid="conflict-mine">{d.mine || <span className="muted">(empty)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Their version has the same content as yours.</p>
      )}
      {merge === null && (
        <p className="muted">The word or morpheme segmentation differs, so the versions cannot be merged cell by cell.</p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onKeepMine} disabled={busy}>
          Keep mine (overwrite)
        </button>
        <button type="button" className="button-secondary" onClick={onTakeTheirs} disabled={busy}>
          Take theirs
        </button>
        {canMerge && (
          <button type="button" className="button-secondary" onClick={() => onMerge(merge.merged)} disabled={busy}>
            Merge (their changes + mine)
          </button>
        )}
      </div>
    </section>
  );
}
