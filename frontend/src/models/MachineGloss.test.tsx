import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { MachineGloss } from "./MachineGloss";

const hint = { label: "PL", p: 0.92, version: 4, versionNumber: 2, status: "pending" as const };

describe("MachineGloss", () => {
  it("shows the proposal as ghost text; ArrowRight accepts, Delete dismisses", () => {
    const onAccept = vi.fn();
    const onReject = vi.fn();
    const inner = vi.fn();
    render(
      <MachineGloss hint={hint} value="" onAccept={onAccept} onReject={onReject}>
        <input aria-label="Gloss" onKeyDown={inner} />
      </MachineGloss>,
    );
    expect(screen.getByTestId("machine-suggestion").textContent).toBe("PL 92% →");
    const input = screen.getByLabelText("Gloss");
    fireEvent.keyDown(input, { key: "ArrowRight" });
    fireEvent.keyDown(input, { key: "Delete" });
    expect(onAccept).toHaveBeenCalledTimes(1);
    expect(onReject).toHaveBeenCalledTimes(1);
    expect(inner).not.toHaveBeenCalled(); // the editor's own keys do not see them
    fireEvent.keyDown(input, { key: "Tab" });
    expect(inner).toHaveBeenCalledTimes(1);
  });

  it("leaves keys alone and marks the value once accepted", () => {
    const onAccept = vi.fn();
    render(
      <MachineGloss hint={{ ...hint, status: "accepted" }} value="PL" onAccept={onAccept} onReject={() => {}}>
        <input aria-label="Gloss" />
      </MachineGloss>,
    );
    fireEvent.keyDown(screen.getByLabelText("Gloss"), { key: "ArrowRight" });
    expect(onAccept).not.toHaveBeenCalled();
    expect(screen.queryByTestId("machine-suggestion")).toBeNull();
    expect(screen.getByTestId("machine-made").textContent).toBe("machine");
    expect(screen.getByLabelText("Gloss").closest(".ml-gloss")?.getAttribute("title")).toBe("Accepted from model v2");
  });

  it("shows a proposed cut with its glosses, and ArrowRight takes it", () => {
    const onAccept = vi.fn();
    const cut = { ...hint, label: "r-ixoq-iil", p: 0.8, glosses: ["E3S", "wife", "NMLZ"] };
    render(
      <MachineGloss hint={cut} cut value="" onAccept={onAccept} onReject={() => {}}>
        <input aria-label="Gloss" />
      </MachineGloss>,
    );
    expect(screen.queryByTestId("machine-suggestion")).toBeNull();
    expect(screen.getByTestId("machine-segmentation").textContent).toBe("r-ixoq-iil E3S wife NMLZ 80% →");
    // The proposal is cut off where the cell ends and lets the pointer through to the input:
    // hovering the cell shows it whole.
    const whole = "Model v2 proposes the cut “r-ixoq-iil” glossed “E3S wife NMLZ” (p 80%): → cuts the word, Delete dismisses";
    expect(screen.getByTestId("machine-segmentation").title).toBe(whole);
    expect(screen.getByLabelText("Gloss").closest(".ml-gloss")?.getAttribute("title")).toBe(whole);
    fireEvent.keyDown(screen.getByLabelText("Gloss"), { key: "ArrowRight" });
    expect(onAccept).toHaveBeenCalledTimes(1);
  });
});
