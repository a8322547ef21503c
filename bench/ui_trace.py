"""Where a keystroke's time goes in the IGT editor: a Chromium trace and call counts (bench/ui.py).

`profile_typing` types into the focused cell with a CDP session recording, and reports per
keystroke:

* the renderer main thread's CPU time by kind (scripting, style, layout, paint and compositing,
  other), from the trace's thread times (``tdur``): a figure the machine's load barely moves,
  unlike the wall-clock latency;
* websocket frames sent and HTTP requests made while typing (presence, soft locks, suggestions);
* how often each named function ran (V8 precise coverage with call counts): with a build that
  keeps names (``npx vite build --minify false`` in ``frontend/``) the components and helpers
  show by name (``UtteranceEditor``, ``GlossInput``, ``suggestionsFor`` ...).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

CATEGORIES = ",".join(
    [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "v8.execute",
        "blink",
        "cc",
        "toplevel",
    ]
)

# Trace event names by the kind DevTools' Performance panel gives them.
KINDS: dict[str, str] = {
    "EventDispatch": "scripting",
    "FunctionCall": "scripting",
    "TimerFire": "scripting",
    "FireAnimationFrame": "scripting",
    "RunMicrotasks": "scripting",
    "V8.Execute": "scripting",
    "v8.compile": "scripting",
    "v8.run": "scripting",
    "EvaluateScript": "scripting",
    "MajorGC": "scripting",
    "MinorGC": "scripting",
    "V8.GCScavenger": "scripting",
    "BlinkGC.AtomicPhase": "scripting",
    "UpdateLayoutTree": "style",
    "RecalculateStyles": "style",
    "ParseAuthorStyleSheet": "style",
    "Layout": "layout",
    "UpdateLayerTree": "layout",
    "IntersectionObserverController::computeIntersections": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "PaintImage": "paint",
    "Layerize": "paint",
    "Commit": "paint",
    "UpdateLayer": "paint",
    "CompositeLayers": "paint",
}


def self_times(
    events: list[dict[str, Any]], thread: tuple[int, int], by_name: bool = False
) -> dict[str, float]:
    """Thread CPU ms by kind (or by event name) on one thread, each event without its children."""
    spans = [
        e
        for e in events
        if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X" and "tdur" in e
    ]
    spans.sort(key=lambda e: (e["ts"], -e.get("dur", 0)))
    totals: dict[str, float] = defaultdict(float)
    stack: list[tuple[dict[str, Any], list[float]]] = []  # (event, [children's tdur])

    def close(until: float) -> None:
        while stack and stack[-1][0]["ts"] + stack[-1][0].get("dur", 0) <= until:
            event, children = stack.pop()
            own = max(0.0, event["tdur"] - children[0])
            totals[event["name"] if by_name else kind_of(event, stack)] += own / 1000
            if stack:
                stack[-1][1][0] += event["tdur"]

    for event in spans:
        close(event["ts"])
        stack.append((event, [0.0]))
    close(float("inf"))
    return dict(totals)


def kind_of(event: dict[str, Any], stack: list[tuple[dict[str, Any], list[float]]]) -> str:
    """An event's own kind, or its nearest ancestor's (a V8 callback under EventDispatch...)."""
    if event["name"] in KINDS:
        return KINDS[event["name"]]
    for outer, _ in reversed(stack):
        if outer["name"] in KINDS:
            return KINDS[outer["name"]]
    return "other"


def main_thread(events: list[dict[str, Any]]) -> tuple[int, int]:
    """The page's renderer main thread, named CrRendererMain in the trace's metadata."""
    named: list[tuple[int, int]] = [
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    ]
    busiest = Counter((int(e["pid"]), int(e["tid"])) for e in events if e.get("ph") == "X")
    return max(named, key=lambda t: busiest[t]) if named else busiest.most_common(1)[0][0]


def paint_and_layout(events: list[dict[str, Any]], thread: tuple[int, int]) -> tuple[float, int]:
    """Pixels painted (the clip of each Paint) and layout objects laid out, on one thread."""
    painted, laid_out = 0.0, 0
    for e in events:
        if (e.get("pid"), e.get("tid")) != thread:
            continue
        data = e.get("args", {}).get("data", {})
        if e.get("name") == "Paint" and len(data.get("clip", [])) == 8:
            x = data["clip"][0::2]
            y = data["clip"][1::2]
            painted += (max(x) - min(x)) * (max(y) - min(y))
        elif e.get("name") == "Layout" and e.get("ph") in ("X", "B"):
            laid_out += int(e.get("args", {}).get("beginData", {}).get("dirtyObjects", 0))
    return painted, laid_out


def profile_typing(page: Any, text: str, pause_s: float = 0.03) -> dict[str, Any]:
    """Type `text` into the focused element while tracing; figures per keystroke."""
    cdp = page.context.new_cdp_session(page)
    events: list[dict[str, Any]] = []
    done: list[bool] = []
    frames: list[str] = []
    requests: list[str] = []
    cdp.on("Tracing.dataCollected", lambda params: events.extend(params["value"]))
    cdp.on("Tracing.tracingComplete", lambda _params: done.append(True))
    cdp.on("Network.webSocketFrameSent", lambda p: frames.append(p["response"]["payloadData"]))
    cdp.on("Network.requestWillBeSent", lambda p: requests.append(p["request"]["url"]))
    cdp.send("Network.enable")
    cdp.send("Profiler.enable")
    cdp.send("Profiler.startPreciseCoverage", {"callCount": True, "detailed": False})
    cdp.send("Profiler.takePreciseCoverage")  # zero the counts: only the typing's calls below
    cdp.send("Tracing.start", {"categories": CATEGORIES, "transferMode": "ReportEvents"})
    for ch in text:
        page.keyboard.press(ch)
        time.sleep(pause_s)
    page.wait_for_timeout(300)
    coverage = cdp.send("Profiler.takePreciseCoverage")["result"]
    cdp.send("Tracing.end")
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    cdp.send("Profiler.stopPreciseCoverage")
    cdp.detach()

    keys = len(text)
    saved = os.environ.get("BENCH_UI_TRACE")
    if saved:  # opens in DevTools' Performance panel
        Path(f"{saved}-{int(time.time())}.json").write_text(json.dumps({"traceEvents": events}))
    thread = main_thread(events)
    by_kind = self_times(events, thread)
    by_name = Counter(self_times(events, thread, by_name=True))
    painted, laid_out = paint_and_layout(events, thread)
    calls: Counter[str] = Counter()
    for script in coverage:
        if "/static/assets/" not in script["url"]:
            continue
        for fn in script["functions"]:
            name = fn["functionName"]
            count = fn["ranges"][0]["count"] if fn["ranges"] else 0
            if name and count:
                calls[name] += count
    return {
        "keys": keys,
        "cpu_ms": {kind: ms / keys for kind, ms in sorted(by_kind.items())},
        "script_render_ms": sum(
            by_kind.get(k, 0.0) for k in ("scripting", "style", "layout", "paint")
        )
        / keys,
        "top_events_ms": {name: ms / keys for name, ms in by_name.most_common(15)},
        "paint_px": painted / keys,
        "layout_objects": laid_out / keys,
        "ws_frames": frames,
        "requests": requests,
        "calls_per_key": {name: n / keys for name, n in calls.most_common()},
    }


def print_profile(label: str, profile: dict[str, Any], names: list[str] | None = None) -> None:
    keys = profile["keys"]
    print(f"\n{label}: {keys} keystrokes traced, main-thread CPU ms per keystroke")
    for kind, ms in profile["cpu_ms"].items():
        print(f"  {kind:10} {ms:6.2f}")
    print(f"  scripting+style+layout+paint {profile['script_render_ms']:.2f} ms")
    print(
        f"  painted {profile['paint_px']:.0f} px², laid out {profile['layout_objects']:.0f} objects"
        " per keystroke"
    )
    print(f"  websocket frames sent: {len(profile['ws_frames'])} {profile['ws_frames'][:3]}")
    print(f"  HTTP requests: {len(profile['requests'])} {profile['requests'][:3]}")
    if not names:
        top = profile["top_events_ms"].items()
        print("  own CPU ms by trace event: " + ", ".join(f"{n} {ms:.2f}" for n, ms in top))
    calls = profile["calls_per_key"]
    shown = {n: calls[n] for n in names if n in calls} if names else dict(list(calls.items())[:40])
    print("  calls per keystroke: " + ", ".join(f"{n} {c:g}" for n, c in shown.items()))
