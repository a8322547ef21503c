"""Browser fixtures: Debian's Chromium driven through Playwright's sync API.

``playwright install`` cannot download browsers everywhere we run, so the system Chromium is
launched by path. Without it these tests skip with a hint, unless FIELDMARK_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("FIELDMARK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
FRONTEND_INDEX = Path(__file__).resolve().parents[2] / "frontend" / "dist" / "index.html"


def _unavailable(reason: str) -> None:
    if os.environ.get("FIELDMARK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FIELDMARK_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


# Module scope: Playwright's sync API keeps an event loop on this thread while it runs, which
# would break async_to_sync in the websocket tests that come later in the same session.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(
            f"Chromium not found at {CHROMIUM}: apt-get install -y chromium to run browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: .venv/bin/pip install playwright")
    if not FRONTEND_INDEX.exists():
        _unavailable(
            f"{FRONTEND_INDEX} is missing: "
            "npm ci --prefix frontend && npm run build --prefix frontend"
        )
    # Playwright's sync API keeps an asyncio loop marked as running on this thread for as long as
    # it is started, and Django then refuses ORM calls from the thread (tests, live_server setup,
    # and any later test in the session). Nothing here is really async, so the check is lifted
    # while the browser lives; this is the workaround Playwright's docs give for Django.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Remember each phase's outcome on the item so the page fixture can see a failed test.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh context (own cookies) per test; on failure a screenshot goes to test-results/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
            (RESULTS_DIR / f"{name}.console.txt").write_text("\n".join(messages))
        context.close()
