/**
 * Workspace hotkeys as a pure function of (pending AU digits, key) → (new digits, action), so
 * the rules are unit-tested without a browser. The page owns the state and performs actions.
 */
import type { Edge } from "./timeline";
import { auByNumber, intensityFromLetter, isAuPrefix } from "./schema";

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  repeat?: boolean;
}

export interface HotkeyState {
  /** AU number typed so far ("1", "12"), waiting for an intensity letter. */
  digits: string;
  /** When the last digit was typed (ms), to drop a stale number. */
  at: number;
}

export type HotkeyAction =
  | { type: "save" }
  | { type: "togglePlay" }
  | { type: "step"; frames: number }
  | { type: "seekBy"; ms: number }
  | { type: "seekStart" }
  | { type: "markIn" }
  | { type: "markOut" }
  | { type: "nudge"; edge: Edge; frames: number }
  | { type: "setAu"; au: string; intensity: number }
  | { type: "removeAu"; au: string }
  | { type: "deleteSegment" }
  | { type: "escape" }
  | { type: "recordStart" }
  | { type: "selectNext"; delta: number }
  | { type: "invalid"; message: string };

export interface HotkeyResult {
  state: HotkeyState;
  action: HotkeyAction | null;
  /** Whether the page should preventDefault (the key was ours). */
  handled: boolean;
}

export const EMPTY_HOTKEYS: HotkeyState = { digits: "", at: 0 };
export const DIGITS_TIMEOUT_MS = 2000;

/** The help list shown in the workspace. */
export const HOTKEY_HELP: [string, string][] = [
  ["Space", "play / pause"],
  [", / .", "previous / next frame"],
  ["← / →", "back / forward 1 s (Shift: 5 s)"],
  ["I / O", "in-point / out-point: O creates the segment [in, out)"],
  ["[ / ]", "selected segment: start one frame earlier / end one frame later"],
  ["{ / }", "selected segment: start one frame later / end one frame earlier"],
  ["12 then C", "AU12 at intensity C (A–E; X unscorable; Delete removes the AU)"],
  ["N / P", "select next / previous segment"],
  ["Delete", "delete the selected segment"],
  ["hold V", "while playing: record valence/arousal from the pad under the mouse"],
  ["Ctrl+S", "save"],
  ["Esc", "clear typed AU number, then deselect"],
];

const result = (
  state: HotkeyState,
  action: HotkeyAction | null,
  handled = action !== null,
): HotkeyResult => ({ state, action, handled });

export function interpretKey(state: HotkeyState, input: KeyInput, now: number): HotkeyResult {
  const digits = now - state.at > DIGITS_TIMEOUT_MS ? "" : state.digits;
  const cleared: HotkeyState = { digits: "", at: 0 };
  const key = input.key;

  if ((input.ctrlKey || input.metaKey) && !input.altKey && key.toLowerCase() === "s") {
    return result(cleared, { type: "save" });
  }
  if (input.ctrlKey || input.metaKey || input.altKey) return result(state, null);

  if (/^[0-9]$/.test(key)) {
    const longer = digits + key;
    if (digits && isAuPrefix(longer)) return result({ digits: longer, at: now }, null, true);
    if (key !== "0" && isAuPrefix(key)) return result({ digits: key, at: now }, null, true);
    return result(cleared, { type: "invalid", message: `No Action Unit starts with ${longer}.` });
  }

  const lower = key.toLowerCase();
  if (digits) {
    const intensity = /^[a-ex]$/.test(lower) ? intensityFromLetter(lower) : null;
    if (intensity !== null || key === "Delete" || key === "Backspace") {
      const au = auByNumber(Number(digits));
      if (!au) return result(cleared, { type: "invalid", message: `AU${digits} is not coded.` });
      if (intensity === null) return result(cleared, { type: "removeAu", au: au.code });
      return result(cleared, { type: "setAu", au: au.code, intensity });
    }
    if (key === "Escape") return result(cleared, null, true);
  }

  switch (key) {
    case " ":
      return result(cleared, input.repeat ? null : { type: "togglePlay" }, true);
    case ",":
    case "<":
      return result(cleared, { type: "step", frames: -1 });
    case ".":
    case ">":
      return result(cleared, { type: "step", frames: 1 });
    case "ArrowLeft":
      return result(cleared, { type: "seekBy", ms: input.shiftKey ? -5000 : -1000 });
    case "ArrowRight":
      return result(cleared, { type: "seekBy", ms: input.shiftKey ? 5000 : 1000 });
    case "Home":
      return result(cleared, { type: "seekStart" });
    case "[":
      return result(cleared, { type: "nudge", edge: "start", frames: -1 });
    case "{":
      return result(cleared, { type: "nudge", edge: "start", frames: 1 });
    case "]":
      return result(cleared, { type: "nudge", edge: "end", frames: 1 });
    case "}":
      return result(cleared, { type: "nudge", edge: "end", frames: -1 });
    case "Delete":
    case "Backspace":
      return result(cleared, { type: "deleteSegment" });
    case "Escape":
      return result(cleared, { type: "escape" });
  }
  if (lower === "i") return result(cleared, { type: "markIn" });
  if (lower === "o") return result(cleared, { type: "markOut" });
  if (lower === "n") return result(cleared, { type: "selectNext", delta: 1 });
  if (lower === "p") return result(cleared, { type: "selectNext", delta: -1 });
  if (lower === "v") return result(cleared, input.repeat ? null : { type: "recordStart" }, true);
  return result(state, null);
}

/** Keys typed into a form control belong to it (except Ctrl+S, handled by interpretKey). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "range", "submit", "reset", "file"].includes(type);
}
