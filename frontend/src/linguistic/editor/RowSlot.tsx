import { memo, useCallback, useLayoutEffect, useSyncExternalStore, type ComponentProps } from "react";
import { UtteranceEditor } from "../components/UtteranceEditor";
import type { RowStore } from "./rowStore";

interface RowSlotProps extends Omit<ComponentProps<typeof UtteranceEditor>, "row"> {
  store: RowStore;
  uid: string;
  /** After each render of the row alone (its layout effect). */
  onRendered: () => void;
}

/** One utterance of the store, re-rendered when its row changes (and not when another does). */
export const RowSlot = memo(function RowSlot({ store, uid, onRendered, ...rest }: RowSlotProps) {
  const watch = useCallback((change: () => void) => store.watchRow(uid, change), [store, uid]);
  const row = useSyncExternalStore(watch, () => store.get(uid));
  useLayoutEffect(onRendered);
  return row ? <UtteranceEditor row={row} {...rest} /> : null;
});

