import type { Direction } from "../gridNav";

/**
 * Where the focus goes once the element is on screen: a `data-cell` (caret at `caret`, or the
 * whole value selected) or any element matching `selector`. With a virtualised list the target
 * may not be rendered yet; the editor scrolls to it and tries again after each render.
 */
export type PendingFocus =
  | { cell: string; caret: number | "all"; utterance: string }
  | { within: string; utterance: string }
  | { edge: Direction; utterance: string };

