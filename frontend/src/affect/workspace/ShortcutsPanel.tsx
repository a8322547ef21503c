import { HOTKEY_HELP } from "../hotkeys";

interface ShortcutsPanelProps {
  singleKeys: boolean;
  onSingleKeys: (on: boolean) => void;
}

/** The shortcut list, and the switch that turns single-key shortcuts off (remembered). */
export function ShortcutsPanel({ singleKeys, onSingleKeys }: ShortcutsPanelProps) {
  return (
    <div className="affect-help">
      <label className="affect-shortcut-toggle">
        <input
          type="checkbox"
          checked={singleKeys}
          onChange={(event) => onSingleKeys(event.target.checked)}
          data-testid="single-keys"
        />{" "}
        Single-key shortcuts (never while typing in a field; Ctrl+S always saves)
      </label>
      <details>
        <summary>Keyboard shortcuts</summary>
        <dl className="facts">
          {HOTKEY_HELP.map(([keys, what]) => (
            <div key={keys} style={{ display: "contents" }}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          On a focused segment: ←/→ previous/next, Delete removes it, [ ] {"{ }"} move its edges.
          On the pad: arrows move the point. On an AU: arrows choose the level.
        </p>
      </details>
    </div>
  );
}
