import { describe, expect, it } from "vitest";
import { padKey, padValueText } from "./components/AffectPad";
import { EMPTY_HOTKEYS, interpretKey, ownsKey } from "./hotkeys";
import { labelsFromDoc, type SchemaDoc } from "./schema";

describe("valence/arousal pad keys", () => {
  it("moves valence with ←/→ and arousal with ↑/↓, in steps of 0.1 (Shift 0.25)", () => {
    expect(padKey(null, "ArrowRight", false)).toEqual({ valence: 0.1, arousal: 0 });
    expect(padKey({ valence: 0.1, arousal: 0 }, "ArrowUp", true)).toEqual({ valence: 0.1, arousal: 0.25 });
    expect(padKey({ valence: -0.2, arousal: 0.3 }, "ArrowDown", false)).toEqual({ valence: -0.2, arousal: 0.2 });
    expect(padKey({ valence: 0.5, arousal: 0.5 }, "Home", false)).toEqual({ valence: 0, arousal: 0 });
    expect(padKey({ valence: 0.5, arousal: 0.5 }, "a", false)).toBeNull();
  });

  it("stays inside −1..1", () => {
    expect(padKey({ valence: 0.95, arousal: -0.95 }, "ArrowRight", true)).toEqual({ valence: 1, arousal: -0.95 });
    expect(padKey({ valence: 0, arousal: -0.95 }, "ArrowDown", true)).toEqual({ valence: 0, arousal: -1 });
  });

  it("says the point in words", () => {
    expect(padValueText({ valence: 0.5, arousal: -0.2 })).toBe("valence 0.50 (positive), arousal -0.20 (calm)");
    expect(padValueText({ valence: 0, arousal: 0 })).toBe("valence 0.00 (neutral), arousal 0.00 (neutral)");
    expect(padValueText(null)).toBe("not set: use the arrow keys");
  });
});

describe("shortcut setting and project AUs", () => {
  it("leaves only Ctrl+S when single-key shortcuts are off", () => {
    const off = { singleKeys: false };
    expect(interpretKey(EMPTY_HOTKEYS, { key: "i" }, 0, off)).toMatchObject({ action: null, handled: false });
    expect(interpretKey(EMPTY_HOTKEYS, { key: " " }, 0, off).action).toBeNull();
    expect(interpretKey(EMPTY_HOTKEYS, { key: "s", ctrlKey: true }, 0, off).action).toEqual({ type: "save" });
  });

  it("codes the project's own AUs and refuses ones it does not list", () => {
    const aus = [
      { number: 12, code: "AU12", name: "Lip Corner Puller" },
      { number: 50, code: "AU50", name: "Speech" },
    ];
    let state = interpretKey(EMPTY_HOTKEYS, { key: "5" }, 0, { aus }).state;
    state = interpretKey(state, { key: "0" }, 1, { aus }).state;
    expect(interpretKey(state, { key: "b" }, 2, { aus }).action).toEqual({ type: "setAu", au: "AU50", intensity: 2 });
    expect(interpretKey(EMPTY_HOTKEYS, { key: "4" }, 0, { aus }).action).toEqual({
      type: "invalid",
      message: "No Action Unit starts with 4.",
    });
  });

  it("reads a schema document into labels", () => {
    const doc: SchemaDoc = {
      version: 3,
      action_units: [{ code: "AU50", name: "Speech" }],
      emotions: { preset: "custom", name: "custom", categories: ["calm", "tense"] },
      dimensions: ["valence"],
      dimension_range: [-1, 1],
      notes: false,
      updated_at: null,
      updated_by: null,
    };
    expect(labelsFromDoc(doc)).toEqual({
      version: 3,
      actionUnits: [{ number: 50, code: "AU50", name: "Speech" }],
      emotions: ["calm", "tense"],
      dimensions: ["valence"],
      notes: false,
    });
  });
});

describe("keys a focused control owns", () => {
  it("gives arrows to radios, sliders and options, Space to buttons, everything to text fields", () => {
    const radio = document.createElement("input");
    radio.type = "radio";
    const slider = document.createElement("div");
    slider.setAttribute("role", "slider");
    const option = document.createElement("div");
    option.setAttribute("role", "option");
    const button = document.createElement("button");
    const note = document.createElement("textarea");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(ownsKey(radio, "ArrowRight")).toBe(true);
    expect(ownsKey(radio, "i")).toBe(false);
    expect(ownsKey(slider, "ArrowUp")).toBe(true);
    expect(ownsKey(slider, " ")).toBe(false);
    expect(ownsKey(option, "Home")).toBe(true);
    expect(ownsKey(button, " ")).toBe(true);
    expect(ownsKey(button, "ArrowLeft")).toBe(false);
    expect(ownsKey(note, "i")).toBe(true);
    expect(ownsKey(box, " ")).toBe(true);
    expect(ownsKey(box, "ArrowLeft")).toBe(false);
    expect(ownsKey(document.body, "ArrowLeft")).toBe(false);
  });
});
