import type { KeyboardEvent } from "react";

/**
 * The split / merge keys of a morpheme's text box: Enter cuts at the caret, Backspace at the start
 * of an empty box merges back. Returns whether the key was taken.
 */
export function splitKeys(
  event: KeyboardEvent<HTMLInputElement>,
  onSplit: ((caret: number) => void) | undefined,
  onMergeBack: (() => void) | undefined,
): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false;
  const input = event.currentTarget;
  if (event.key === "Enter" && onSplit) {
    event.preventDefault();
    onSplit(input.selectionStart ?? input.value.length);
    return true;
  }
  if (event.key === "Backspace" && onMergeBack && input.value === "" && input.selectionStart === 0) {
    event.preventDefault();
    onMergeBack();
    return true;
  }
  return false;
}
