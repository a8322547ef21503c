import { useCallback, useState } from "react";

const STORAGE_KEY = "fieldmark.affect.singleKeyShortcuts";

function stored(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== "off";
  } catch {
    return true;
  }
}

/**
 * Whether the workspace's single-key shortcuts (Space, I, O, 12C…) are on: a per-browser
 * setting, remembered, so a screen-reader or speech-input user can turn them off (WCAG 2.1.4).
 */
export function useSingleKeys(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(stored);
  const set = useCallback((value: boolean) => {
    setOn(value);
    try {
      window.localStorage.setItem(STORAGE_KEY, value ? "on" : "off");
    } catch {
      // Private mode without storage: the setting lasts for this page only.
    }
  }, []);
  return [on, set];
}
