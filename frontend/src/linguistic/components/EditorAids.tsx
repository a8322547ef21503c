import { memo } from "react";
import { TextVideoLinks } from "../../affect/components/TextVideoLinks";
import { MachineToolbar } from "../../models/MachineToolbar";
import { GlossingAids } from "./GlossingAids";

interface EditorAidsProps {
  slug: string;
  textId: string;
  canEdit: boolean;
  /** The text's utterances changed on the server (a job, a bulk edit): reload them. */
  onUtterancesChanged: () => void;
  onEntriesCreated: () => void;
  /** New machine suggestions were stored for the text. */
  onSuggestionsChanged: () => void;
}

/**
 * What sits above the interlinear editor: linked videos, glossing aids and the machine toolbar.
 * Memoised on stable props, so typing in the editor below does not re-render them.
 */
export const EditorAids = memo(function EditorAids(props: EditorAidsProps) {
  const { slug, textId, canEdit, onUtterancesChanged, onEntriesCreated, onSuggestionsChanged } = props;
  return (
    <>
      <TextVideoLinks slug={slug} textId={textId} />
      <GlossingAids
        slug={slug}
        textId={textId}
        canEdit={canEdit}
        onLinked={onUtterancesChanged}
        onEntriesCreated={onEntriesCreated}
      />
      {canEdit && (
        <MachineToolbar
          slug={slug}
          textId={textId}
          onChanged={() => {
            onUtterancesChanged();
            onSuggestionsChanged();
          }}
        />
      )}
    </>
  );
});
