import { describe, expect, it } from "vitest";
import type { Segment } from "./api";
import {
  boundaryFrame,
  formatTime,
  frameAt,
  frameSeekSeconds,
  frameToMs,
  makeSegment,
  nudgeSegment,
  resizeSegment,
  snapToFrame,
  sortSegments,
  tickStep,
  timeToX,
  xToTime,
} from "./timeline";

const NTSC = 30000 / 1001;
const limits = { fps: 10, durationMs: 1000 };
const seg = (t0: number, t1: number): Segment => ({
  t0_ms: t0,
  t1_ms: t1,
  aus: {},
  emotion: null,
  dimensions: {},
  note: "",
});

describe("time ↔ pixel", () => {
  const view = { start: 1000, end: 3000 };

  it("maps the view onto the width and back", () => {
    expect(timeToX(1000, view, 400)).toBe(0);
    expect(timeToX(2000, view, 400)).toBe(200);
    expect(timeToX(3000, view, 400)).toBe(400);
    expect(xToTime(100, view, 400)).toBe(1500);
    for (const ms of [1000, 1234.5, 2999]) expect(xToTime(timeToX(ms, view, 640), view, 640)).toBeCloseTo(ms);
  });

  it("clamps pixels outside the track to the view and survives a zero width", () => {
    expect(xToTime(-50, view, 400)).toBe(1000);
    expect(xToTime(900, view, 400)).toBe(3000);
    expect(xToTime(10, view, 0)).toBe(1000);
    expect(timeToX(5, { start: 0, end: 0 }, 400)).toBe(0);
  });
});

describe("frames", () => {
  it("agrees with the server's frame_to_ms and frame_range at a fractional rate", () => {
    // Python: floor(frame * 1000 / fps + 1e-9)
    expect(frameToMs(1, NTSC)).toBe(33);
    expect(frameToMs(30, NTSC)).toBe(1001);
    expect(frameToMs(3, 10)).toBe(300);
    for (let frame = 0; frame < 2000; frame += 7) {
      expect(boundaryFrame(frameToMs(frame, NTSC), NTSC)).toBe(frame);
      expect(frameAt(frameToMs(frame, NTSC) + 1, NTSC)).toBe(frame);
    }
  });

  it("snaps a time to the nearest frame boundary", () => {
    expect(snapToFrame(149, 10)).toBe(100);
    expect(snapToFrame(151, 10)).toBe(200);
    expect(snapToFrame(40, NTSC)).toBe(33);
    expect(snapToFrame(0, NTSC)).toBe(0);
  });

  it("seeks into the middle of a frame so the player shows that frame", () => {
    expect(frameSeekSeconds(3, 10)).toBeCloseTo(0.35);
    expect(frameAt(frameSeekSeconds(29, NTSC) * 1000, NTSC)).toBe(29);
  });
});

describe("creating segments", () => {
  it("snaps both ends to frames and accepts them in either order", () => {
    expect(makeSegment(120, 480, limits)).toMatchObject({ t0_ms: 100, t1_ms: 500 });
    expect(makeSegment(480, 120, limits)).toMatchObject({ t0_ms: 100, t1_ms: 500 });
    expect(makeSegment(0, 100, limits)).toEqual(seg(0, 100));
  });

  it("refuses empty segments: t1 must be after t0", () => {
    expect(makeSegment(300, 300, limits)).toBeNull();
    expect(makeSegment(310, 340, limits)).toBeNull(); // both snap to 300
  });

  it("keeps segments inside the media", () => {
    expect(makeSegment(-200, 300, limits)).toMatchObject({ t0_ms: 0, t1_ms: 300 });
    expect(makeSegment(800, 5000, limits)).toMatchObject({ t0_ms: 800, t1_ms: 1000 });
    expect(makeSegment(1200, 5000, limits)).toBeNull();
  });
});

describe("resizing segments", () => {
  it("moves one edge to a snapped time", () => {
    expect(resizeSegment(seg(200, 500), "start", 130, limits)).toMatchObject({ t0_ms: 100, t1_ms: 500 });
    expect(resizeSegment(seg(200, 500), "end", 760, limits)).toMatchObject({ t0_ms: 200, t1_ms: 800 });
  });

  it("keeps at least one frame at a fractional rate", () => {
    const ntsc = { fps: NTSC, durationMs: 10000 };
    const s = seg(frameToMs(5, NTSC), frameToMs(10, NTSC));
    expect(resizeSegment(s, "start", 9999, ntsc).t0_ms).toBe(frameToMs(9, NTSC));
    expect(resizeSegment(s, "end", 0, ntsc).t1_ms).toBe(frameToMs(6, NTSC));
  });

  it("never lets the edges cross: at least one frame stays", () => {
    expect(resizeSegment(seg(200, 500), "start", 900, limits)).toMatchObject({ t0_ms: 400, t1_ms: 500 });
    expect(resizeSegment(seg(200, 500), "end", 0, limits)).toMatchObject({ t0_ms: 200, t1_ms: 300 });
  });

  it("stops at the media bounds", () => {
    expect(resizeSegment(seg(200, 500), "start", -400, limits).t0_ms).toBe(0);
    expect(resizeSegment(seg(200, 500), "end", 4000, limits).t1_ms).toBe(1000);
  });

  it("nudges by whole frames with the same rules", () => {
    expect(nudgeSegment(seg(200, 500), "start", -1, limits).t0_ms).toBe(100);
    expect(nudgeSegment(seg(200, 500), "end", 1, limits).t1_ms).toBe(600);
    expect(nudgeSegment(seg(0, 500), "start", -1, limits).t0_ms).toBe(0);
    expect(nudgeSegment(seg(200, 1000), "end", 1, limits).t1_ms).toBe(1000);
    expect(nudgeSegment(seg(200, 300), "start", 1, limits).t0_ms).toBe(200);
    const ntsc = { fps: NTSC, durationMs: 10000 };
    const s = seg(frameToMs(30, NTSC), frameToMs(60, NTSC));
    expect(nudgeSegment(s, "end", 1, ntsc).t1_ms).toBe(frameToMs(61, NTSC));
    expect(nudgeSegment(s, "start", 1, ntsc).t0_ms).toBe(frameToMs(31, NTSC));
  });
});

describe("helpers", () => {
  it("sorts segments by start, then end", () => {
    expect(sortSegments([seg(300, 400), seg(100, 500), seg(100, 200)]).map((s) => s.t1_ms)).toEqual([
      200, 500, 400,
    ]);
  });

  it("formats times and picks readable tick steps", () => {
    expect(formatTime(62345)).toBe("1:02.345");
    expect(formatTime(-5)).toBe("0:00.000");
    expect(tickStep(20000)).toBe(2000);
    expect(tickStep(900)).toBe(100);
  });
});
