/**
 * Workspace hotkeys as a pure function of (pending AU digits, key) → (new digits, action), so
 * the rules are unit-tested without a browser. The page owns the state and performs actions.
 */
import type { Edge } from "./timeline";
import { ACTION_UNITS, auByNumber, intensityFromLetter, isAuPrefix, type ActionUnit } from "./schema";

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

export interface HotkeyOptions {
  /** The project's AUs (default: the built-in FACS list). */
  aus?: readonly ActionUnit[];
  /** Single-key shortcuts on (default); off leaves only Ctrl+S. */
  singleKeys?: boolean;
}

export function interpretKey(
  state: HotkeyState,
  input: KeyInput,
  now: number,
  options: HotkeyOptions = {},
): HotkeyResult {
  const aus = options.aus ?? ACTION_UNITS;
  const digits = now - state.at > DIGITS_TIMEOUT_MS ? "" : state.digits;
  const cleared: HotkeyState = { digits: "", at: 0 };
  const key = input.key;

  if ((input.ctrlKey || input.metaKey) && !input.altKey && key.toLowerCase() === "s") {
    return result(cleared, { type: "save" });
  }
  if (input.ctrlKey || input.metaKey || input.altKey) return result(state, null);
  if (options.singleKeys === false) return result(cleared, null);

  if (/^[0-9]$/.test(key)) {
    const longer = digits + key;
    if (digits && isAuPrefix(longer, aus)) return result({ digits: longer, at: now }, null, true);
    if (key !== "0" && isAuPrefix(key, aus)) return result({ digits: key, at: now }, null, true);
    return result(cleared, { type: "invalid", message: `No Action Unit starts with ${longer}.` });
  }

  const lower = key.toLowerCase();
  if (digits) {
    const intensity = /^[a-ex]$/.test(lower) ? intensityFromLetter(lower) : null;
    if (intensity !== null || key === "Delete" || key === "Backspace") {
      const au = auByNumber(Number(digits), aus);
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

/**
 * Keys typed into a form control belong to it (except Ctrl+S, handled by interpretKey). Radio
 * groups, sliders and focusable segments own their arrow keys too.
 */
export function ownsKey(target: EventTarget | null, key: string): boolean {
  if (isTypingTarget(target)) return true;
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement && ["radio", "range", "checkbox"].includes(target.type)) {
    return key === " " || key === "Enter" || (target.type !== "checkbox" && key.startsWith("Arrow"));
  }
  const arrows = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
  const role = target.getAttribute("role");
  if (arrows.includes(key) && (role === "radio" || role === "slider" || role === "option")) {
    return true;
  }
  const isControl = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
  return (isControl || role === "radio" || role === "option") && (key === " " || key === "Enter");
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
