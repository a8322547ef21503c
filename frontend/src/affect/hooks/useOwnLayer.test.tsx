import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { clearCookies, mockFetch } from "../../test/http";
import type { LayerDetail, Segment } from "../api";
import { useOwnLayer } from "./useOwnLayer";

const BASE = "/api/v1/projects/lezgi/videos/v1/layers/";
const seg = (t0: number, aus: Record<string, number> = {}): Segment => ({
  t0_ms: t0,
  t1_ms: t0 + 100,
  aus,
  emotion: null,
  dimensions: {},
  note: "",
});

function layer(version: number, segments: Segment[], by = "anna"): LayerDetail {
  return {
    id: "L1",
    video: "v1",
    annotator: "anna",
    kind: "coder",
    schema_version: 1,
    segments,
    events: [],
    trace_tracks: [],
    version,
    created_at: "2026-01-01T00:00:00Z",
    created_by: "anna",
    updated_at: "2026-01-01T00:00:00Z",
    updated_by: by,
    traces: {},
  };
}

beforeEach(() => {
  clearCookies();
  document.cookie = "csrftoken=tok; path=/";
});

describe("useOwnLayer", () => {
  it("creates the layer on the first save, then PUTs with the version", async () => {
    const calls = mockFetch((call) => {
      if (call.method === "POST") return { status: 201, body: layer(1, [seg(0)]) };
      if (call.method === "PUT") return { status: 200, body: layer(2, [seg(0), seg(200)]) };
    });
    const { result } = renderHook(() => useOwnLayer("lezgi", "v1", null));
    expect(result.current.dirty).toBe(false);

    act(() => result.current.edit(() => ({ segments: [seg(0)] })));
    expect(result.current.dirty).toBe(true);
    await act(() => result.current.save());
    expect(calls[0]).toMatchObject({ method: "POST", url: BASE });
    expect(calls[0]!.body).toMatchObject({ segments: [seg(0)], traces: {} });
    expect(result.current.dirty).toBe(false);
    expect(result.current.layer?.version).toBe(1);

    act(() => result.current.edit((d) => ({ segments: [...d.segments, seg(200)] })));
    await act(() => result.current.save());
    expect(calls[1]).toMatchObject({ method: "PUT", url: `${BASE}L1/` });
    expect(calls[1]!.body).toEqual({ segments: [seg(0), seg(200)], events: [], version: 1 });
    expect(calls[1]!.headers["X-CSRFToken"]).toBe("tok");
    expect(result.current.layer?.version).toBe(2);
  });

  it("keeps the draft on a 409 and overwrites on top of their version", async () => {
    const theirs = layer(5, [seg(0, { AU6: 5 })], "boss");
    let putCount = 0;
    const calls = mockFetch((call) => {
      if (call.method === "PUT" && putCount++ === 0)
        return {
          status: 409,
          body: {
            error: "version_conflict",
            detail: "This layer changed since you read it.",
            fields: { version: ["stale"] },
            current: theirs,
          },
        };
      if (call.method === "PUT") return { status: 200, body: layer(6, [seg(0, { AU12: 2 })]) };
      if (call.method === "GET") return { status: 200, body: theirs };
    });
    const { result } = renderHook(() => useOwnLayer("lezgi", "v1", layer(4, [seg(0)])));

    act(() => result.current.edit(() => ({ segments: [seg(0, { AU12: 2 })] })));
    await act(() => result.current.save());
    expect(result.current.conflict?.version).toBe(5);
    expect(result.current.dirty).toBe(true);
    expect(result.current.draft.segments[0]!.aus).toEqual({ AU12: 2 });
    expect(result.current.error).toBeNull();

    await act(() => result.current.overwriteWithMine());
    const put = calls.filter((c) => c.method === "PUT")[1]!;
    expect(put.body).toMatchObject({ version: 5, segments: [seg(0, { AU12: 2 })], traces: {} });
    await waitFor(() => expect(result.current.conflict).toBeNull());
    expect(result.current.dirty).toBe(false);
    expect(result.current.layer?.version).toBe(6);
  });

  it("reloads theirs on request, dropping the draft", async () => {
    const theirs = layer(3, [seg(500, { AU4: 1 })], "boss");
    mockFetch((call) => {
      if (call.method === "PUT")
        return { status: 409, body: { error: "version_conflict", detail: "Stale.", fields: {} } };
      return { status: 200, body: theirs };
    });
    const { result } = renderHook(() => useOwnLayer("lezgi", "v1", layer(2, [])));
    act(() => result.current.edit(() => ({ segments: [seg(0)] })));
    await act(() => result.current.save());
    expect(result.current.conflict).not.toBeNull();

    act(() => result.current.reloadTheirs());
    expect(result.current.conflict).toBeNull();
    expect(result.current.draft.segments).toEqual(theirs.segments);
    expect(result.current.dirty).toBe(false);
    expect(result.current.layer?.version).toBe(3);
  });

  it("shows other errors without a conflict", async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: "invalid", detail: "segments.0: t1 beyond the media", fields: {} },
    }));
    const { result } = renderHook(() => useOwnLayer("lezgi", "v1", layer(1, [])));
    act(() => result.current.edit(() => ({ segments: [seg(0)] })));
    await act(() => result.current.save());
    expect(result.current.conflict).toBeNull();
    expect(String(result.current.error)).toContain("t1 beyond the media");
    expect(result.current.dirty).toBe(true);
  });

  it("adopts the server's layer after an accepted suggestion, then PUTs on its version", async () => {
    const calls = mockFetch((call) => {
      if (call.method === "PUT") return { status: 200, body: layer(3, [seg(0), seg(900)]) };
    });
    const { result } = renderHook(() => useOwnLayer("lezgi", "v1", null));

    // The server created the layer with the accepted segment (version 2 after a second accept).
    act(() => result.current.adopt(layer(2, [seg(0)])));
    expect(result.current.layer?.version).toBe(2);
    expect(result.current.draft.segments).toEqual([seg(0)]);
    expect(result.current.dirty).toBe(false);

    act(() => result.current.edit((d) => ({ segments: [...d.segments, seg(900)] })));
    await act(() => result.current.save());
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "PUT", url: `${BASE}L1/` });
    expect(calls[0]!.body).toMatchObject({ segments: [seg(0), seg(900)], version: 2 });
    expect(result.current.layer?.version).toBe(3);
  });
});
