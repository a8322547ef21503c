"""The IGT editor as a keyboard grid, and the utterance operations, in a real browser.

Utterances are set up and read back through ``annotations.linguistic_api.services`` against the
real MongoDB-wire server; the browser talks to the live server.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_linguistic_ui import DOGS_BARK, PASSWORD, glosses, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_by_keyboard(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()


@pytest.fixture
def text(team: Any, mongo_db: Any) -> dict[str, Any]:
    from annotations.linguistic_api import services

    doc = services.create_text(team.manager, team.project, {"title": "Dogs", "lang": "eng"})
    utt = services.create_utterance(team.manager, team.project, doc["_id"], DOGS_BARK)
    return {"text": doc["_id"], "utterance": utt["_id"], "version": utt["version"]}


def test_gloss_pos_transcription_and_save_without_the_mouse(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given an annotator who logged in and opened the editor by keyboard only
    log_in_by_keyboard(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    editor = page.get_by_role("group", name="Interlinear editor")
    expect(page.get_by_label("Gloss of dog in dogs")).to_be_focused()
    # The editor is one Tab stop: only the focused cell is in the Tab order.
    expect(editor.locator('[tabindex="0"]')).to_have_count(1)

    # When they gloss a morpheme, go down to its POS and set it
    page.keyboard.type("dog")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("POS of dog in dogs")).to_be_focused()
    page.keyboard.type("n")
    # Then up four lines to the transcription, to its end, and add to it
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    transcription = page.get_by_label("Transcription of utterance 1")
    expect(transcription).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" loudly")
    # And right, off the end of the transcription, to Save, which Enter presses
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Enter")

    # Then the save is announced and the status shows the new version
    expect(page.get_by_test_id("save-announcement")).to_have_text(
        f"Utterance 1 saved (version {text['version'] + 1})."
    )
    expect(page.get_by_test_id("utterance-status")).to_have_text(f"v{text['version'] + 1}")
    screenshot(page, "linguistic-igt-keyboard.png")

    # And Mongo holds exactly what was typed
    saved = services.get_utterance(team.project, text["utterance"])
    assert glosses(saved) == ["dog", "", ""]
    assert saved["words"][0]["morphemes"][0]["pos"] == "n"
    assert saved["transcription"] == "dogs bark loudly"
    assert saved["version"] == text["version"] + 1

    # And Escape leaves the editor: the next Tab is past it, Shift-Tab comes back to the one stop
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("editor-end")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="+ utterance")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
