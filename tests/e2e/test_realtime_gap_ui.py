"""An event lost on the way to an open tab is asked for and shown without a reconnect or a
reload: the page's socket goes through Playwright, which drops one change event; the next event
leaves a gap in the numbers, and the tab asks the server for what is missing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.asgi import AsgiServer, asgi_server
from tests.e2e.test_linguistic_ui import DOGS_BARK, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["asgi_server"]  # a fixture used below

CATS_PURR: dict[str, Any] = {
    "transcription": "cats purr",
    "words": [
        {"form": "cats", "morphemes": [{"form": "cat"}, {"form": "s", "sep": "-"}]},
        {"form": "purr", "morphemes": [{"form": "purr"}]},
    ],
}


def _kind(message: Any) -> str:
    try:
        return str(json.loads(message).get("type", ""))
    except (TypeError, ValueError):
        return ""


def test_a_dropped_event_is_asked_for_and_shown_without_a_reconnect(
    page: Any, asgi_server: AsgiServer, team: Any, mongo_db: Any
) -> None:
    from annotations.linguistic_api import services

    doc = services.create_text(team.manager, team.project, {"title": "Pets", "lang": "eng"})
    dogs = services.create_utterance(team.manager, team.project, doc["_id"], DOGS_BARK)
    cats = services.create_utterance(team.manager, team.project, doc["_id"], CATS_PURR)

    # The page's socket goes through the test: the first utterance event from the server is
    # dropped, and what the page sends is recorded.
    sockets: list[Any] = []
    dropped: list[str] = []
    sent: list[str] = []
    answers: list[dict[str, Any]] = []

    def through(ws: Any) -> None:
        server = ws.connect_to_server()
        sockets.append(ws)

        def to_page(message: Any) -> None:
            if _kind(message) == "linguistic.utterance.updated" and not dropped:
                dropped.append(message)
                return
            if _kind(message) == "catch_up":
                answers.append(json.loads(message))
            ws.send(message)

        def to_server(message: Any) -> None:
            sent.append(message)
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    page.route_web_socket(re.compile(r"/ws/projects/"), through)
    log_in(page, asgi_server.url, "annotator")
    page.goto(f"{asgi_server.url}/projects/lezgi/texts/{doc['_id']}")
    expect(page.locator(".live")).to_have_text("live")
    page.evaluate("window.__notReloaded = true")

    def until(condition: Any, timeout_ms: int = 15_000) -> None:
        for _ in range(timeout_ms // 100):
            if condition():
                return
            page.wait_for_timeout(100)
        raise AssertionError("timed out")

    def save(utterance: dict[str, Any], gloss: str) -> None:
        current = services.get_utterance(team.project, utterance["_id"])
        body = json.loads(json.dumps(current, default=str))
        body["words"][0]["morphemes"][0]["gloss"] = gloss
        services.replace_utterance(
            team.manager, team.project, utterance["_id"], current["version"], body
        )

    # When another person saves the first utterance (its event is lost on the way) and then the
    # second (its event comes through, one number after a number the tab never heard of)
    save(dogs, "dog")
    until(lambda: bool(dropped))
    lost = json.loads(dropped[0])
    assert lost["id"] == dogs["_id"]
    page.wait_for_timeout(300)
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("")  # the tab never heard
    save(cats, "cat")

    # Then the tab shows both saves, having asked for the missing one on the same socket
    expect(page.get_by_label("Gloss of cat in cats")).to_have_value("cat")
    until(lambda: bool(answers))
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("dog")
    asked = [json.loads(m) for m in sent if _kind(m) == "since"]
    assert len(asked) == 1
    assert asked[0]["seq"] < lost["seq"]
    assert [e["seq"] for e in answers[0]["events"] if e["id"] == dogs["_id"]] == [lost["seq"]]
    assert len(sockets) == 1
    assert page.evaluate("window.__notReloaded") is True
