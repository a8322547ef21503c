"""The IGT editor as a user meets it: headless Chromium on a real text, over HTTP.

    .venv/bin/python bench/ui.py                        # Lezgi train (701 utt.) + 5 000 generated
    BENCH_UI_GENERATED=0 .venv/bin/python bench/ui.py   # the real text only
    BENCH_UI_SCREENSHOT=/tmp/ui .venv/bin/python bench/ui.py   # also /tmp/ui-<text>.png
    BENCH_UI_CSS='.ling-editor-row { contain: content }' ...   # try a style before typing
    BENCH_UI_ALL_CALLS=1 ...   # every function's calls per keystroke, own CPU by trace event
    BENCH_UI_TRACE=/tmp/t ...   # also the typing's trace, /tmp/t-<time>.json, for DevTools
    BENCH_UI_FRAMES=unthrottled ...   # frames when there is something to draw (no 60 Hz timer)

Starts the embedded MongoDB-wire server and the ASGI app (daphne, in a thread, 127.0.0.1 only)
on a temp SQLite database, imports ``../shared/data/glossing/Lezgi/lez-train-track2-uncovered``
(SIGMORPHON Toolbox lines) through the import service, generates a 5 000-utterance text of 8 glossed
words an utterance, then drives Debian's Chromium through Playwright, logged in as an annotator:

* **open**: from navigation start to the first utterance on screen, and to the first gloss cell
  holding the focus (interactive), median of 3 loads;
* **keystroke**: 60 characters typed into a gloss cell, each timed from its ``keydown`` to the
  frame after the ``input`` event (a ``requestAnimationFrame`` callback and a task after it: the
  frame with the new character has been produced), p50 / p95; and the same from its ``input``
  event (the issue's "input event to painted frame");
* **tab walk**: Tab pressed 300 times from the first cell, which walks into rows that were not
  rendered when it started (the virtualised list scrolls them in), mean per Tab;
* **memory**: the tab's JS heap (CDP ``Performance.getMetrics``) and DOM nodes after opening.

Needs ``frontend/dist`` (``npm run build --prefix frontend``) and ``apt-get install chromium``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="fieldmark-bench-ui-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
os.environ["FIELDMARK_VAR_DIR"] = str(TMP / "var")
os.environ["FIELDMARK_RDF_STORE"] = str(TMP / "rdf")
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from annotations.linguistic_api import documents, services  # noqa: E402
from bench.ui_trace import print_profile, profile_typing  # noqa: E402
from fieldmark.projects import services as projects  # noqa: E402
from fieldmark.projects.models import Membership  # noqa: E402
from fieldmark.storage import mongo  # noqa: E402
from fieldmark.storage.embedded import free_port, mongo_server  # noqa: E402

SHARED = Path(os.environ.get("FIELDMARK_SHARED_DIR", ROOT.parent / "shared"))
LEZGI = SHARED / "data" / "glossing" / "Lezgi" / "lez-train-track2-uncovered"
GENERATED = int(os.environ.get("BENCH_UI_GENERATED", "5000"))
CHROMIUM = os.environ.get("FIELDMARK_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery"
KEYS, TABS, LOADS, TRACED_KEYS = 60, 300, 3, 30
# BENCH_UI_FRAMES=unthrottled: frames as soon as there is something to draw, not on headless
# Chromium's 60 Hz begin-frame timer, whose wait (0-16.7 ms, uniform) is most of a bare input's p95.
UNTHROTTLED = os.environ.get("BENCH_UI_FRAMES", "") == "unthrottled"
UNTHROTTLED_ARGS = ["--disable-frame-rate-limit", "--disable-gpu-vsync"] if UNTHROTTLED else []
# Functions whose calls per keystroke the report shows (by name: a build with --minify false).
WATCHED = [
    "UtteranceEditor",
    "GlossInput",
    "MachineGloss",
    "PresenceAvatars",
    "GlossingAids",
    "MachineToolbar",
    "TextVideoLinks",
    "ErrorBanner",
    "TextEditorPage",
    "suggestionsFor",
    "tokenizeGloss",
    "isDirty",
    "editableContent",
    "wordColumns",
    "tabOrder",
    "keepTabStop",
]

KEY_PROBE = """
() => {
  window.__lat = [];
  window.__latInput = [];
  document.addEventListener('keydown', (event) => {
    const start = event.timeStamp;
    const onInput = (input) => {
      document.removeEventListener('input', onInput, true);
      const from = input.timeStamp;
      const done = () => {
        const now = performance.now();
        window.__lat.push(now - start);
        window.__latInput.push(now - from);
      };
      requestAnimationFrame(() => setTimeout(done, 0));
    };
    document.addEventListener('input', onInput, true);
  }, true);
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report_console_error(message: Any) -> None:
    if message.type == "error":
        print(f"console: {message.text}", file=sys.stderr)


def serve(port: int) -> None:
    """daphne, as `make run` serves the app (HTTP and websockets), in this thread."""
    from daphne.server import Server

    from fieldmark.asgi import application

    Server(
        application, endpoints=[f"tcp:port={port}:interface=127.0.0.1"], signal_handlers=False
    ).run()


def generated_text(project: Any, user: User, count: int) -> str:
    path = TMP / "generated.txt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            words = [f"ka{(i * 7 + j) % 311}-ri" for j in range(8)]
            out.write("\\t " + " ".join(w.replace("-", "") for w in words) + "\n")
            out.write("\\m " + " ".join(words) + "\n")
            out.write("\\g " + " ".join(f"stem{(i + j) % 97}-PL" for j in range(8)) + "\n")
            out.write(f"\\l utterance {i}\n\n")
    before = {d["_id"] for d in documents.texts.collection.find({"project": project.pk})}
    services.import_file(
        project, lambda: path.open("rb"), "toolbox", path.name, "bench-generated", user.username
    )
    return str(
        next(
            d["_id"]
            for d in documents.texts.collection.find({"project": project.pk})
            if d["_id"] not in before
        )
    )


def type_timed(page: Any, text: str) -> tuple[list[float], list[float]]:
    """Latency of each character of `text` typed into the focused field (KEY_PROBE), in ms:
    from its ``keydown``, and from its ``input`` event, to the frame after it."""
    page.evaluate(KEY_PROBE)
    for ch in text:
        page.keyboard.press(ch)
        time.sleep(0.03)
    page.wait_for_timeout(200)
    return list(page.evaluate("window.__lat")), list(page.evaluate("window.__latInput"))


def measure_floor(page: Any, base: str) -> dict[str, Any]:
    """The same typing into a lone <input> on an empty page of the app's origin: what the
    probe reads when the page does nothing (the wait for the next frame, the frame itself)."""
    page.goto(f"{base}/static/bench-blank")  # a 404 page: nothing of the app runs
    page.set_content("<input id=floor>")
    page.focus("#floor")
    latencies, from_input = type_timed(page, "abcdefghij" * (KEYS // 10))
    profile = profile_typing(page, "klmnopqrst" * (TRACED_KEYS // 10))
    return {
        "label": "bare input (floor)",
        "key_p50": percentile(latencies, 0.5),
        "key_p95": percentile(latencies, 0.95),
        "input_p50": percentile(from_input, 0.5),
        "input_p95": percentile(from_input, 0.95),
        "keys": len(latencies),
        "profile": profile,
    }


def measure(page: Any, base: str, text_id: str, label: str) -> dict[str, Any]:
    url = f"{base}/projects/bench/texts/{text_id}"
    shown, interactive = [], []
    for _ in range(LOADS):
        page.goto(f"{base}/projects/bench/texts")
        page.wait_for_load_state("networkidle")
        start = time.perf_counter()
        page.goto(url)
        try:
            page.locator("[data-testid=utterance]").first.wait_for()
        except Exception:
            page.screenshot(path=str(TMP / "failed.png"), full_page=True)
            print(f"no utterance shown; screenshot in {TMP / 'failed.png'}")
            raise
        shown.append(time.perf_counter() - start)
        page.wait_for_function("document.activeElement && document.activeElement.dataset.cell")
        interactive.append(time.perf_counter() - start)
        # Let the rest of the text arrive before leaving: daphne serves sync views on one
        # thread, and pages a left editor still asked for would delay the next load's first one.
        page.wait_for_load_state("networkidle")
    shot = os.environ.get("BENCH_UI_SCREENSHOT")
    if shot:  # a picture of the opened editor, to look at what was measured
        page.screenshot(path=f"{shot}-{label.split()[0].lower()}.png")
    extra_css = os.environ.get("BENCH_UI_CSS")
    if extra_css:  # try a style change without a rebuild
        page.add_style_tag(content=extra_css)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    latencies, from_input = type_timed(page, "abcdefghij" * (KEYS // 10))
    # The same typing again, traced: CPU time by kind, messages and calls per keystroke.
    profile = profile_typing(page, "klmnopqrst" * (TRACED_KEYS // 10))
    # Not Escape: in the editor it leaves the grid (a suggestion list closes on Tab anyway).
    page.keyboard.press("Control+z")
    start = time.perf_counter()
    for _ in range(TABS):
        page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement && document.activeElement.dataset.cell")
    tab_ms = (time.perf_counter() - start) / TABS * 1000
    where = page.evaluate("document.activeElement.dataset.cell")
    return {
        "label": label,
        "shown": statistics.median(shown),
        "interactive": statistics.median(interactive),
        "key_p50": percentile(latencies, 0.5),
        "key_p95": percentile(latencies, 0.95),
        "input_p50": percentile(from_input, 0.5),
        "input_p95": percentile(from_input, 0.95),
        "keys": len(latencies),
        "tab_ms": tab_ms,
        "tab_end": where,
        "heap_mb": metrics.get("JSHeapUsedSize", 0) / 1e6,
        "nodes": int(metrics.get("Nodes", 0)),
        "profile": profile,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    if not LEZGI.exists():
        sys.exit(f"{LEZGI} is missing: put the shared data folder beside the checkout")
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        sys.exit("frontend/dist is missing: npm run build --prefix frontend")
    mongo_port = free_port()
    server = mongo_server(TMP / "mongo", mongo_port, TMP / "mongo.log").start()
    os.environ["MONGO_URL"] = server.url
    mongo.reset_client()
    try:
        call_command("migrate", verbosity=0)
        mongo.ensure_indexes()
        owner = User.objects.create_user("owner", password=PASSWORD)
        annotator = User.objects.create_user("annotator", password=PASSWORD)
        project = projects.create_project(
            owner, {"name": "Bench", "slug": "bench", "object_languages": ["lez"]}
        )
        Membership.objects.create(project=project, user=annotator, role="annotator")
        started = time.perf_counter()
        services.import_file(
            project, lambda: LEZGI.open("rb"), "toolbox", LEZGI.name, "bench-lezgi", owner.username
        )
        lezgi = documents.texts.collection.find_one({"project": project.pk})
        assert lezgi is not None
        print(f"imported {LEZGI.name} in {time.perf_counter() - started:.1f} s")
        texts = [(str(lezgi["_id"]), f"Lezgi train ({lezgi.get('utterance_count')} utt.)")]
        if GENERATED:
            generated = generated_text(project, owner, GENERATED)
            texts.append((generated, f"generated ({GENERATED} utt.)"))

        port = free_port()
        threading.Thread(target=serve, args=(port,), daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        time.sleep(1.0)
        results = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    *UNTHROTTLED_ARGS,
                ],
            )
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(120_000)
            page.on("console", report_console_error)
            page.goto(f"{base}/login")
            page.get_by_label("Username").fill("annotator")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.get_by_test_id("current-user").wait_for()
            for text_id, label in texts:
                results.append(measure(page, base, text_id, label))
            floor = measure_floor(page, base)
            browser.close()
    finally:
        mongo.reset_client()
        server.stop()

    print()
    print(f"frames: {'unthrottled' if UNTHROTTLED else 'headless default (60 Hz)'}")
    print("| text | first utterance | interactive | key p50 | p95 | input→frame p50 | p95 "
          "| CPU/key | Tab | heap | DOM |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['label']} | {r['shown'] * 1000:.0f} ms | {r['interactive'] * 1000:.0f} ms "
            f"| {r['key_p50']:.1f} ms | {r['key_p95']:.1f} ms "
            f"| {r['input_p50']:.1f} ms | {r['input_p95']:.1f} ms "
            f"| {r['profile']['script_render_ms']:.1f} ms | {r['tab_ms']:.1f} ms "
            f"| {r['heap_mb']:.0f} MB | {r['nodes']} |"
        )
    print(
        f"| {floor['label']} | | | {floor['key_p50']:.1f} ms | {floor['key_p95']:.1f} ms "
        f"| {floor['input_p50']:.1f} ms | {floor['input_p95']:.1f} ms "
        f"| {floor['profile']['script_render_ms']:.1f} ms | | | |"
    )
    print(f"\n(keystrokes timed: {[r['keys'] for r in results]})")
    every_call = os.environ.get("BENCH_UI_ALL_CALLS") is not None
    for r in [*results, floor]:
        print_profile(r["label"], r["profile"], None if every_call else WATCHED)
    print(f"(Tab walks ended at {[r['tab_end'] for r in results]})")


if __name__ == "__main__":
    main()
