import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { GAP_MS } from "../realtime/hub";
import { TAB_ID } from "../realtime/tab";
import {
  RELOAD_MESSAGE,
  backoffDelay,
  projectSocketUrl,
  useAnnounce,
  usePresence,
  useProjectSocket,
} from "./useProjectSocket";

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
    expect(socket.url).toBe(`ws://${window.location.host}/ws/projects/ainu/?tab=${TAB_ID}`);
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
    expect(projectSocketUrl("a b", secure)).toBe(`wss://fieldmark.example/ws/projects/a%20b/?tab=${TAB_ID}`);
    vi.spyOn(Math, "random").mockReturnValue(1);
    expect(backoffDelay(20, 1000, 30000)).toBe(30000);
  });

  it("shares one socket between listeners of a tab", () => {
    const a = vi.fn();
    const b = vi.fn();
    renderHook(() => useProjectSocket("ainu", a));
    renderHook(() => useProjectSocket("ainu", b));

    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => FakeWebSocket.last().receive({ type: "linguistic.text.created", seq: 3 }));
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
  });

  it("after a reconnect asks for what it missed and delivers each event once", () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    const onMessage = vi.fn();
    renderHook(() => useProjectSocket("ainu", onMessage, { minDelayMs: 100 }));
    const first = FakeWebSocket.last();
    act(() => first.open());
    act(() => first.receive({ type: "hello", seq: 10, user: "ana", role: "annotator" }));
    act(() => first.receive({ type: "linguistic.text.created", id: "t1", seq: 11 }));
    act(() => first.drop());
    act(() => vi.advanceTimersByTime(100));

    const second = FakeWebSocket.last();
    act(() => second.open());
    act(() => second.receive({ type: "hello", seq: 13, user: "ana", role: "annotator" }));
    expect(second.sent).toEqual([{ type: "since", seq: 11 }]);
    act(() => second.receive({ type: "linguistic.text.created", id: "t3", seq: 13 })); // live, first
    act(() =>
      second.receive({
        type: "catch_up",
        since: 11,
        latest: 13,
        reload: false,
        events: [
          { type: "linguistic.text.created", id: "t2", seq: 12 },
          { type: "linguistic.text.created", id: "t3", seq: 13 },
        ],
      }),
    );

    const ids = onMessage.mock.calls
      .map(([message]) => message)
      .filter((message) => message.type === "linguistic.text.created")
      .map((message) => message.id);
    expect(ids).toEqual(["t1", "t3", "t2"]);
  });

  it("takes the numbers of its own changes without handing them on, and asks for none", () => {
    const onMessage = vi.fn();
    renderHook(() => useProjectSocket("ainu", onMessage));
    const socket = FakeWebSocket.last();
    act(() => socket.open());
    act(() => socket.receive({ type: "hello", seq: 4, user: "ana", role: "annotator" }));
    act(() => socket.receive({ type: "seen", seq: 5 })); // this tab's own save
    act(() => socket.receive({ type: "linguistic.text.created", id: "t6", seq: 6 }));
    act(() => vi.advanceTimersByTime(GAP_MS * 3));

    expect(socket.sent).toEqual([]);
    expect(onMessage.mock.calls.map(([message]) => message.type)).toEqual([
      "hello",
      "linguistic.text.created",
    ]);
  });

  it("asks for a number that stays missing, once, and delivers what the answer holds", () => {
    const onMessage = vi.fn();
    renderHook(() => useProjectSocket("ainu", onMessage));
    const socket = FakeWebSocket.last();
    act(() => socket.open());
    act(() => socket.receive({ type: "hello", seq: 20, user: "ana", role: "annotator" }));
    act(() => socket.receive({ type: "linguistic.text.created", id: "t22", seq: 22 }));
    act(() => vi.advanceTimersByTime(GAP_MS - 1));
    expect(socket.sent).toEqual([]); // 21 may still be on its way
    act(() => socket.receive({ type: "linguistic.text.created", id: "t23", seq: 23 }));
    act(() => vi.advanceTimersByTime(1));
    expect(socket.sent).toEqual([{ type: "since", seq: 20 }]);

    act(() =>
      socket.receive({
        type: "catch_up",
        since: 20,
        latest: 23,
        reload: false,
        events: [
          { type: "linguistic.text.created", id: "t21", seq: 21 },
          { type: "linguistic.text.created", id: "t22", seq: 22 },
        ],
      }),
    );
    act(() => vi.advanceTimersByTime(GAP_MS * 3));

    expect(socket.sent).toEqual([{ type: "since", seq: 20 }]);
    const ids = onMessage.mock.calls
      .map(([message]) => message)
      .filter((message) => message.type === "linguistic.text.created")
      .map((message) => message.id);
    expect(ids).toEqual(["t22", "t23", "t21"]);
  });

  it("does not ask for a number that arrives late but within the wait", () => {
    renderHook(() => useProjectSocket("ainu", () => undefined));
    const socket = FakeWebSocket.last();
    act(() => socket.open());
    act(() => socket.receive({ type: "hello", seq: 1, user: "ana", role: "annotator" }));
    act(() => socket.receive({ type: "linguistic.text.created", id: "b", seq: 3 }));
    act(() => vi.advanceTimersByTime(GAP_MS / 2));
    act(() => socket.receive({ type: "linguistic.text.created", id: "a", seq: 2 }));
    act(() => vi.advanceTimersByTime(GAP_MS * 3));

    expect(socket.sent).toEqual([]);
  });

  it("tells listeners to reload when the server kept too little", () => {
    const onMessage = vi.fn();
    renderHook(() => useProjectSocket("ainu", onMessage, { minDelayMs: 1 }));
    act(() => FakeWebSocket.last().open());
    act(() => FakeWebSocket.last().receive({ type: "hello", seq: 1 }));
    act(() => FakeWebSocket.last().drop());
    act(() => vi.advanceTimersByTime(10));
    act(() => FakeWebSocket.last().open());
    act(() => FakeWebSocket.last().receive({ type: "hello", seq: 900 }));
    act(() => FakeWebSocket.last().receive({ type: "catch_up", since: 1, latest: 900, reload: true, events: [] }));

    expect(onMessage).toHaveBeenCalledWith({ type: RELOAD_MESSAGE, latest: 900 });
  });

  it("keeps one presence per person across tabs, never mine, and drops it when they leave", () => {
    const { result } = renderHook(() => usePresence("ainu"));
    const socket = FakeWebSocket.last();
    act(() => socket.open());
    act(() => socket.receive({ type: "hello", seq: 0, user: "ana" }));
    act(() => socket.receive({ type: "presence", user: "ben", tab: "b1", where: { text: "t1" }, lock: null }));
    act(() => socket.receive({ type: "presence", user: "ben", tab: "b2", where: { entry: "e1" }, lock: "e1" }));
    act(() => socket.receive({ type: "presence", user: "ana", tab: "a2", where: { text: "t1" }, lock: null }));

    expect(result.current).toEqual([{ user: "ben", where: { entry: "e1" }, locks: ["e1"], tabs: 2 }]);
    act(() => socket.receive({ type: "presence.left", user: "ben", tab: "b2", reason: "closed" }));
    expect(result.current).toEqual([{ user: "ben", where: { text: "t1" }, locks: [], tabs: 1 }]);
  });

  it("announces where this tab is, at most four times a second, and again after a reconnect", () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    renderHook(() => useProjectSocket("ainu", () => undefined)); // the project page holds the socket
    let where = { text: "t1", utterance: "u1" };
    const { rerender } = renderHook(() => useAnnounce("ainu", where, "u1:w0:m0"));
    const socket = FakeWebSocket.last();
    act(() => socket.open());
    act(() => socket.receive({ type: "hello", seq: 0, user: "ana" }));
    expect(socket.sent).toEqual([{ type: "presence", where, lock: "u1:w0:m0" }]);

    where = { text: "t1", utterance: "u2" };
    rerender();
    expect(socket.sent).toHaveLength(1); // throttled
    act(() => vi.advanceTimersByTime(250));
    expect(socket.sent.at(-1)).toEqual({ type: "presence", where, lock: "u1:w0:m0" });
    expect(socket.sent).toHaveLength(2);

    act(() => socket.drop());
    act(() => vi.advanceTimersByTime(2000));
    const again = FakeWebSocket.last();
    act(() => again.open());
    act(() => again.receive({ type: "hello", seq: 0, user: "ana" }));
    expect(again.sent).toEqual([{ type: "presence", where, lock: "u1:w0:m0" }]);
  });
});
