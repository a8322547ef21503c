import { useCallback, useState, type FormEvent } from "react";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import type { Person } from "../../realtime/presence";
import { linguisticApi, type Text } from "../api";
import { textLines } from "../history";
import { HistoryPanel } from "./HistoryPanel";

interface EditorHeadProps {
  slug: string;
  textId: string;
  text: Text | null | undefined;
  onReverted: (saved: Text, toVersion: number) => void;
  canEdit: boolean;
  /** Others on this text. */
  here: Person[];
  unsaved: number;
  /** How many utterances the text has. */
  count: number;
  /** Go to the utterance with this number (1-based, clamped to the text). */
  onJump: (number: number) => void;
}

/** The editor's head: the text's title, its history, who else is here, unsaved count, go to. */
export function EditorHead(props: EditorHeadProps) {
  const { slug, textId, text, onReverted, canEdit, here, unsaved, count } = props;
  const [jump, setJump] = useState("");
  const onJump = (event: FormEvent) => {
    event.preventDefault();
    const number = Number.parseInt(jump, 10);
    if (Number.isFinite(number)) props.onJump(number);
  };
  const [textHistoryOpen, setTextHistoryOpen] = useState(false);
  const loadTextHistory = useCallback(() => linguisticApi.texts.history(slug, textId), [slug, textId]);
  const loadTextVersion = useCallback((version: number) => linguisticApi.texts.version(slug, textId, version), [slug, textId]);

  return (
    <>
      <div className="ling-editor-head">
        <h2>{text?.title || "Untitled text"}</h2>
        {text?.lang && <span className="tag">{text.lang}</span>}
        {text && (
          <button
            type="button"
            className="button-small button-secondary"
            aria-expanded={textHistoryOpen}
            onClick={() => setTextHistoryOpen(!textHistoryOpen)}
          >
            Text history
          </button>
        )}
        <PresenceAvatars people={here} label="Also on this text" />
        <span className="muted" data-testid="unsaved-count" role="status" aria-live="polite">
          {unsaved > 0 ? `${unsaved} unsaved` : "All saved"}
        </span>
        {count > 0 && (
          <form className="ling-jump" onSubmit={onJump}>
            <label>
              Go to utterance{" "}
              <input
                type="number"
                min={1}
                max={count}
                value={jump}
                onChange={(event) => setJump(event.target.value)}
                aria-label={`Go to utterance (1–${count})`}
              />
            </label>{" "}
            <span className="muted">of {count}</span>
          </form>
        )}
      </div>
      {textHistoryOpen && text && (
        <HistoryPanel
          title={`History of the text ${text.title || ""}`.trim()}
          current={text}
          lines={textLines}
          canEdit={canEdit}
          loadHistory={loadTextHistory}
          loadVersion={loadTextVersion}
          onRevert={async (toVersion) => {
            const saved = await linguisticApi.texts.revert(slug, textId, text.version, toVersion);
            onReverted(saved, toVersion);
          }}
        />
      )}
    </>
  );
}
