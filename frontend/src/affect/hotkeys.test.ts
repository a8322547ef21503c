import { describe, expect, it } from "vitest";
import {
  DIGITS_TIMEOUT_MS,
  EMPTY_HOTKEYS,
  interpretKey,
  isTypingTarget,
  type HotkeyState,
  type KeyInput,
} from "./hotkeys";

/** Feed keys in order; returns the actions and the final state. */
function type(keys: (string | KeyInput)[], start: HotkeyState = EMPTY_HOTKEYS, now = 10_000) {
  let state = start;
  const actions = [];
  for (const key of keys) {
    const outcome = interpretKey(state, typeof key === "string" ? { key } : key, now);
    state = outcome.state;
    if (outcome.action) actions.push(outcome.action);
  }
  return { state, actions };
}

describe("AU intensity hotkeys", () => {
  it("types an AU number, then a letter for its intensity", () => {
    expect(type(["1", "2", "c"]).actions).toEqual([{ type: "setAu", au: "AU12", intensity: 3 }]);
    expect(type(["6", "E"]).actions).toEqual([{ type: "setAu", au: "AU6", intensity: 5 }]);
    expect(type(["4", "3", "a"]).actions).toEqual([{ type: "setAu", au: "AU43", intensity: 1 }]);
  });

  it("keeps the digits pending until the letter and shows them", () => {
    const { state, actions } = type(["1", "2"]);
    expect(state.digits).toBe("12");
    expect(actions).toEqual([]);
  });

  it("uses X for unscorable and Delete to remove the AU", () => {
    expect(type(["2", "5", "x"]).actions).toEqual([{ type: "setAu", au: "AU25", intensity: -1 }]);
    expect(type(["2", "5", "Delete"]).actions).toEqual([{ type: "removeAu", au: "AU25" }]);
  });

  it("rejects AUs outside the schema", () => {
    expect(type(["3", "b"]).actions).toEqual([
      { type: "invalid", message: "No Action Unit starts with 3." },
    ]);
    // "11" is no AU's prefix, so the second 1 starts a new number.
    expect(type(["1", "1", "b"]).actions).toEqual([{ type: "setAu", au: "AU1", intensity: 2 }]);
    expect(type(["0"]).actions[0]).toMatchObject({ type: "invalid" });
    expect(type(["9", "9"]).state.digits).toBe("9");
  });

  it("restarts the number when a digit cannot extend it", () => {
    // "4" then "5": no AU45, so "5" starts a new number.
    const { state } = type(["4", "5"]);
    expect(state.digits).toBe("5");
  });

  it("forgets stale digits", () => {
    const stale = { digits: "1", at: 0 };
    expect(interpretKey(stale, { key: "2" }, DIGITS_TIMEOUT_MS + 1).state.digits).toBe("2");
    expect(interpretKey(stale, { key: "c" }, DIGITS_TIMEOUT_MS + 1).action).toBeNull();
  });

  it("letters without a number do nothing, Escape clears the number", () => {
    expect(type(["c"]).actions).toEqual([]);
    const { state, actions } = type(["1", "Escape"]);
    expect(state.digits).toBe("");
    expect(actions).toEqual([]);
  });
});

describe("transport and editing keys", () => {
  it("maps the documented keys", () => {
    expect(type([",", ".", " ", "i", "O", "[", "]", "{", "}", "Delete"]).actions).toEqual([
      { type: "step", frames: -1 },
      { type: "step", frames: 1 },
      { type: "togglePlay" },
      { type: "markIn" },
      { type: "markOut" },
      { type: "nudge", edge: "start", frames: -1 },
      { type: "nudge", edge: "end", frames: 1 },
      { type: "nudge", edge: "start", frames: 1 },
      { type: "nudge", edge: "end", frames: -1 },
      { type: "deleteSegment" },
    ]);
    expect(type([{ key: "ArrowRight", shiftKey: true }]).actions).toEqual([
      { type: "seekBy", ms: 5000 },
    ]);
  });

  it("saves on Ctrl+S and Cmd+S and leaves other modified keys to the browser", () => {
    expect(interpretKey(EMPTY_HOTKEYS, { key: "s", ctrlKey: true }, 0)).toMatchObject({
      action: { type: "save" },
      handled: true,
    });
    expect(interpretKey(EMPTY_HOTKEYS, { key: "S", metaKey: true }, 0).action).toEqual({
      type: "save",
    });
    expect(interpretKey(EMPTY_HOTKEYS, { key: "c", ctrlKey: true }, 0)).toMatchObject({
      action: null,
      handled: false,
    });
    expect(interpretKey(EMPTY_HOTKEYS, { key: "F5" }, 0).handled).toBe(false);
  });

  it("starts V recording once, not on auto-repeat", () => {
    expect(interpretKey(EMPTY_HOTKEYS, { key: "v" }, 0).action).toEqual({ type: "recordStart" });
    expect(interpretKey(EMPTY_HOTKEYS, { key: "v", repeat: true }, 0)).toMatchObject({
      action: null,
      handled: true,
    });
  });
});

describe("isTypingTarget", () => {
  it("lets text fields keep their keys but not buttons", () => {
    const text = document.createElement("input");
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(document.createElement("textarea"))).toBe(true);
    expect(isTypingTarget(document.createElement("select"))).toBe(true);
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(isTypingTarget(document.createElement("button"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
