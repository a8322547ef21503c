import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { backoffDelay, projectSocketUrl, useProjectSocket } from "./useProjectSocket";

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.install();
});
afterEach(() => vi.useRealTimers());

describe("useProjectSocket", () => {
  it("connects to the project's socket and hands over JSON messages", () => {
    const onMessage = vi.fn();
    const { result } = renderHook(() => useProjectSocket("ainu", onMessage));

    const socket = FakeWebSocket.last();
    expect(socket.url).toBe(`ws://${window.location.host}/ws/projects/ainu/`);
    expect(result.current).toBe("connecting");
    act(() => socket.open());
    expect(result.current).toBe("open");

    act(() => socket.receive({ type: "membership.changed", username: "anna" }));
    act(() => socket.onmessage?.({ data: "not json" }));

    expect(onMessage).toHaveBeenCalledTimes(1);
    expect(onMessage).toHaveBeenCalledWith({ type: "membership.changed", username: "anna" });
  });

  it("reconnects with growing delays after the connection drops", () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    const { result } = renderHook(() =>
      useProjectSocket("ainu", () => undefined, { minDelayMs: 100, maxDelayMs: 1000 }),
    );

    act(() => FakeWebSocket.last().drop());
    expect(result.current).toBe("closed");
    act(() => vi.advanceTimersByTime(99));
    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(2);

    act(() => FakeWebSocket.last().drop());
    act(() => vi.advanceTimersByTime(199));
    expect(FakeWebSocket.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(3);

    // A successful open resets the backoff.
    act(() => FakeWebSocket.last().open());
    act(() => FakeWebSocket.last().drop());
    act(() => vi.advanceTimersByTime(100));
    expect(FakeWebSocket.instances).toHaveLength(4);
  });

  it("stops when the server refuses the subscription", () => {
    const { result } = renderHook(() => useProjectSocket("ainu", () => undefined));

    act(() => FakeWebSocket.last().drop(4403));
    act(() => vi.advanceTimersByTime(60_000));

    expect(result.current).toBe("refused");
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("closes the socket and stops retrying on unmount", () => {
    const { unmount } = renderHook(() => useProjectSocket("ainu", () => undefined));
    const socket = FakeWebSocket.last();

    unmount();
    act(() => socket.drop());
    act(() => vi.advanceTimersByTime(60_000));

    expect(socket.closed).toBe(true);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("builds wss:// addresses on https pages and caps the backoff", () => {
    const secure = { protocol: "https:", host: "fieldmark.example" } as Location;
    expect(projectSocketUrl("a b", secure)).toBe("wss://fieldmark.example/ws/projects/a%20b/");
    vi.spyOn(Math, "random").mockReturnValue(1);
    expect(backoffDelay(20, 1000, 30000)).toBe(30000);
  });
});
