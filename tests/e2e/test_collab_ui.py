"""Live collaboration in real browsers over a real ASGI server and channel layer: two people on
one text see each other and each other's saves; edits of different morphemes both land; edits
of the same morpheme end in the conflict panel with both values. A coder's saved layer appears
in another coder's open video workspace."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.asgi import AsgiServer, asgi_server
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.e2e.test_affect_ui import shared_video
from tests.e2e.test_linguistic_ui import DOGS_BARK, glosses, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["asgi_server", "shared_video"]  # fixtures used below


@pytest.fixture
def two_pages(browser: Any) -> Iterator[tuple[Any, Any]]:
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield contexts[0].new_page(), contexts[1].new_page()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def text(team: Any, mongo_db: Any) -> dict[str, Any]:
    from annotations.linguistic_api import services

    doc = services.create_text(team.manager, team.project, {"title": "Dogs", "lang": "eng"})
    utt = services.create_utterance(team.manager, team.project, doc["_id"], DOGS_BARK)
    return {"text": doc["_id"], "utterance": utt["_id"]}


def open_live_editor(page: Any, server: AsgiServer, user: str, text_id: str) -> None:
    log_in(page, server.url, user)
    page.goto(f"{server.url}/projects/lezgi/texts/{text_id}")
    expect(page.get_by_label("Gloss of dog in dogs")).to_be_focused()
    expect(page.locator(".live")).to_have_text("live")


def test_two_annotators_on_one_text(
    two_pages: tuple[Any, Any], asgi_server: AsgiServer, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    ana, max_ = two_pages
    open_live_editor(ana, asgi_server, "annotator", text["text"])
    open_live_editor(max_, asgi_server, "manager", text["text"])

    # Both see the other's presence on the text and on the utterance, with the soft lock
    expect(ana.get_by_test_id("presence").locator("[data-user='manager']").first).to_be_visible()
    expect(max_.get_by_test_id("presence").locator("[data-user='annotator']").first).to_be_visible()
    expect(ana.get_by_test_id("lock-note")).to_have_text("manager editing")

    # An edit saved in one appears in the other within a second
    ana.get_by_label("Gloss of bark in bark").fill("bark")
    ana.keyboard.press("Control+s")
    expect(ana.get_by_test_id("utterance-status")).to_have_text("v2")
    started = time.monotonic()
    expect(max_.get_by_label("Gloss of bark in bark")).to_have_value("bark", timeout=1000)
    assert time.monotonic() - started < 1.0

    # Simultaneous edits of different morphemes of the same utterance both land, no conflict
    ana.get_by_label("Gloss of dog in dogs").fill("dog")
    max_.get_by_label("Gloss of -s in dogs").fill("PL")
    ana.keyboard.press("Control+s")
    max_.keyboard.press("Control+s")
    expect(ana.get_by_test_id("unsaved-count")).to_have_text("All saved")
    expect(max_.get_by_test_id("unsaved-count")).to_have_text("All saved")
    for page in (ana, max_):
        expect(page.get_by_test_id("conflict-panel")).to_have_count(0)
        expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("dog")
        expect(page.get_by_label("Gloss of -s in dogs")).to_have_value("PL")
    saved = services.get_utterance(team.project, text["utterance"])
    assert glosses(saved) == ["dog", "PL", "bark"]
    assert saved["version"] == 4

    # Simultaneous edits of the same morpheme: the later save shows the conflict with both values
    ana.get_by_label("Gloss of bark in bark").fill("howl")
    max_.get_by_label("Gloss of bark in bark").fill("yelp")
    ana.keyboard.press("Control+s")
    expect(ana.get_by_test_id("utterance-status")).to_have_text("v5")
    max_.keyboard.press("Control+s")
    panel = max_.get_by_test_id("conflict-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("tr.ling-clash [data-testid='conflict-theirs']")).to_have_text("howl")
    expect(panel.locator("tr.ling-clash [data-testid='conflict-mine']")).to_have_text("yelp")
    expect(max_.get_by_label("Gloss of bark in bark")).to_have_value("yelp")
    assert glosses(services.get_utterance(team.project, text["utterance"])) == [
        "dog", "PL", "howl",
    ]  # fmt: skip


def test_another_coders_saved_layer_appears_in_an_open_workspace_shared(
    page: Any, asgi_server: AsgiServer, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    log_in(page, asgi_server.url, "annotator")
    page.goto(f"{asgi_server.url}/projects/lezgi/videos/{video_id}")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    expect(page.locator(".live")).to_have_text("live")
    expect(page.locator("[data-testid^='layer-row-']")).to_have_count(0)

    # Another coder saves a layer while the workspace is open; the event carries it, so the
    # workspace shows it without asking the server again.
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    layers.create_layer(
        team.manager, Role.MANAGER, team.project, video_id,
        {"segments": [{"t0_ms": 0, "t1_ms": 400, "aus": {"AU12": 3}}]},
    )  # fmt: skip

    # It appears without a reload
    row = page.locator("[data-testid^='layer-row-']")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("segment")).to_have_count(1)
    assert [url for url in asked if "/layers" in url] == []


def test_a_worker_jobs_progress_reaches_the_browser(
    page: Any, asgi_server: AsgiServer, team: Any, text: dict[str, Any], celery_worker_session: Any
) -> None:
    log_in(page, asgi_server.url, "manager")
    page.goto(f"{asgi_server.url}/projects/lezgi/texts/{text['text']}")
    expect(page.locator(".live")).to_have_text("live")
    # Record every socket frame the page receives, as the browser sees it.
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.reload()
    expect(page.locator(".live")).to_have_text("live")

    from fieldmark.jobs.services import start_job

    job = start_job(team.manager, team.project, "linguistic.link", {})

    def progress() -> list[dict[str, Any]]:
        events = [json.loads(f) for f in frames if f.startswith("{")]
        return [e for e in events if e["type"] == "job.progress" and e["job"] == str(job.id)]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(e["state"] == "succeeded" for e in progress()):
        page.wait_for_timeout(100)
    states = [e["state"] for e in progress()]
    assert states, frames
    assert states[-1] == "succeeded"


def test_a_reconnect_catches_up_without_a_reload_and_keeps_unsaved_input(
    page: Any, asgi_server: AsgiServer, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # The page's socket goes through Playwright, so the test can cut it as a network would.
    routes: list[tuple[Any, Any]] = []

    def through(ws: Any) -> None:
        routes.append((ws, ws.connect_to_server()))

    page.route_web_socket(re.compile(r"/ws/projects/"), through)
    open_live_editor(page, asgi_server, "annotator", text["text"])
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Gloss of dog in dogs").fill("dog")  # typed, not saved
    expect(page.get_by_test_id("unsaved-count")).not_to_have_text("All saved")

    # The connection drops; while it is down another person saves another morpheme.
    to_page, to_server = routes[-1]
    to_server.close()
    to_page.close()
    current = services.get_utterance(team.project, text["utterance"])
    body = json.loads(json.dumps(current, default=str))
    body["words"][0]["morphemes"][1]["gloss"] = "PL"
    services.replace_utterance(
        team.manager, team.project, text["utterance"], current["version"], body
    )

    # The app reconnects by itself, asks for what it missed and is told without a reload.
    expect(page.locator(".live")).to_have_text("live")
    assert len(routes) == 2
    expect(page.get_by_test_id("remote-change")).to_contain_text("manager saved version 2")
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("dog")
    assert page.evaluate("window.__notReloaded") is True

    # Saving now merges the two: both glosses land.
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("unsaved-count")).to_have_text("All saved")
    saved = services.get_utterance(team.project, text["utterance"])
    assert glosses(saved)[:2] == ["dog", "PL"]
    assert saved["version"] == 3
