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


CATS_MEOW: dict[str, Any] = {
    "transcription": "cats meow",
    "translations": {"en": "Cats meow."},
    "words": [
        {"form": "cats", "morphemes": [{"form": "cat"}, {"form": "s", "sep": "-"}]},
        {"form": "meow", "morphemes": [{"form": "meow"}]},
    ],
}


def sequence(team: Any, text_id: str) -> list[tuple[int, str]]:
    """The text's utterances as Mongo holds them: (order, transcription)."""
    from annotations.linguistic_api import documents

    found = documents.utterances.collection.find({"project": team.project.pk, "text": text_id})
    return sorted((u["order"], u.get("transcription", "")) for u in found)


def open_actions(page: Any, number: int) -> Any:
    page.get_by_role("button", name=f"Actions on utterance {number}").click()
    panel = page.get_by_role("group", name=f"Actions on utterance {number}")
    expect(panel).to_be_visible()
    return panel


def test_insert_split_merge_and_delete_utterances(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    services.create_utterance(team.manager, team.project, text["text"], CATS_MEOW)
    log_in_by_keyboard(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    expect(page.get_by_test_id("utterance")).to_have_count(2)

    # When they insert an empty utterance after the first: the focus moves into the panel, then
    # to the new utterance's transcription, where they type and save
    panel = open_actions(page, 1)
    expect(panel.get_by_role("button", name="Insert before")).to_be_focused()
    panel.get_by_role("button", name="Insert after").click()
    expect(page.get_by_label("Transcription of utterance 2")).to_be_focused()
    expect(page.get_by_test_id("save-announcement")).to_have_text(
        "Empty utterance 2 inserted after utterance 1."
    )
    page.keyboard.type("new one")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("unsaved-count")).to_have_text("All saved")
    assert sequence(team, text["text"]) == [(0, "dogs bark"), (1, "new one"), (2, "cats meow")]

    # When they split the first utterance before its second word
    panel = open_actions(page, 1)
    panel.get_by_role("button", name="Split…").click()
    expect(panel.get_by_label("Split before word")).to_be_focused()
    panel.get_by_role("button", name="Split utterance 1").click()
    expect(page.get_by_label("Transcription of utterance 2")).to_have_value("bark")
    assert sequence(team, text["text"]) == [
        (0, "dogs"),
        (1, "bark"),
        (2, "new one"),
        (3, "cats meow"),
    ]

    # When they merge it back with the next
    open_actions(page, 1).get_by_role("button", name="Merge with next").click()
    expect(page.get_by_label("Transcription of utterance 1")).to_have_value("dogs bark")
    expect(page.get_by_test_id("utterance")).to_have_count(3)
    assert sequence(team, text["text"]) == [(0, "dogs bark"), (1, "new one"), (2, "cats meow")]
    merged = services.get_utterance(team.project, text["utterance"])
    assert [w["form"] for w in merged["words"]] == ["dogs", "bark"]

    # When they delete the inserted one: Cancel holds the focus first, then they confirm
    panel = open_actions(page, 2)
    panel.get_by_role("button", name="Delete…").click()
    expect(panel.get_by_role("button", name="Cancel")).to_be_focused()
    panel.get_by_role("button", name="Delete utterance 2").click()
    expect(page.get_by_test_id("save-announcement")).to_have_text("Utterance 2 deleted.")
    expect(page.get_by_test_id("utterance")).to_have_count(2)
    screenshot(page, "linguistic-utterance-operations.png")

    # Then Mongo holds the two original utterances, in order, without a gap
    assert sequence(team, text["text"]) == [(0, "dogs bark"), (1, "cats meow")]


def test_history_compares_and_reverts_an_edit(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    import copy

    from annotations.linguistic_api import services

    # Given someone glossed the first morpheme "hound" (version 2)
    edited = copy.deepcopy(DOGS_BARK)
    edited["words"][0]["morphemes"][0]["gloss"] = "hound"
    services.replace_utterance(
        team.manager, team.project, text["utterance"], text["version"], edited
    )
    log_in_by_keyboard(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("hound")

    # When the annotator opens the utterance's history and compares version 1 with it
    open_actions(page, 1).get_by_role("button", name="History", exact=True).click()
    history = page.get_by_test_id("history-panel")
    expect(history.get_by_role("heading", name="History of utterance 1")).to_be_focused()
    expect(history.get_by_test_id("history-entry")).to_have_count(1)
    expect(history.get_by_test_id("history-entry")).to_contain_text("v1 · manager")
    history.get_by_role("button", name="Compare v1 with current").click()
    diff = history.get_by_test_id("history-diff")
    # Each changed line says what happened to it in words (for a screen reader) and in a sign.
    expect(diff.locator(".ling-diff-removed")).to_have_text(["removed: − Word 1: dogs = dog -s"])
    expect(diff.locator(".ling-diff-added")).to_have_text(
        ["added: + Word 1: dogs = dog ‘hound’ -s"]
    )
    screenshot(page, "linguistic-history.png")

    # And reverts to it
    history.get_by_role("button", name="Revert to v1").click()
    expect(page.get_by_test_id("save-announcement")).to_have_text(
        "Utterance 1 reverted to version 1 (now version 3)."
    )
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("")

    # Then Mongo holds version 1's content as version 3
    saved = services.get_utterance(team.project, text["utterance"])
    assert (saved["version"], glosses(saved)) == (3, ["", "", ""])
    assert saved["updated_by"] == "annotator"


def test_text_and_entry_history_revert(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given a text renamed once and an entry whose POS was changed once
    services.update_text(team.manager, team.project, text["text"], 1, {"title": "Hounds"})
    entry = services.create_entry(team.manager, team.project, {"forms": {"lez": "dog"}, "pos": "N"})
    services.replace_entry(
        team.manager, team.project, entry["_id"], 1, {"forms": {"lez": "dog"}, "pos": "V"}
    )
    log_in_by_keyboard(page, live_server.url, "annotator")

    # When the annotator reverts the text's title from the editor's "Text history"
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    page.get_by_role("button", name="Text history").click()
    history = page.get_by_test_id("history-panel")
    expect(history.get_by_role("heading", name="History of the text Hounds")).to_be_focused()
    history.get_by_role("button", name="Compare v1 with current").click()
    expect(history.locator(".ling-diff-removed")).to_have_text(["removed: − Title: Dogs"])
    history.get_by_role("button", name="Revert to v1").click()
    expect(page.get_by_role("heading", name="Dogs", exact=True)).to_be_visible()

    # And the entry's POS from the lexicon page's "Entry history"
    page.goto(f"{live_server.url}/projects/lezgi/lexicon?entry={entry['_id']}")
    page.get_by_role("button", name="Entry history").click()
    history = page.get_by_test_id("history-panel")
    history.get_by_role("button", name="Compare v1 with current").click()
    expect(history.locator(".ling-diff-added")).to_have_text(["added: + POS: V"])
    history.get_by_role("button", name="Revert to v1").click()
    expect(history.get_by_text("v3")).to_be_visible()

    # Then Mongo holds the old title and POS as new versions
    reverted_text = services.get_text(team.project, text["text"])
    assert (reverted_text["title"], reverted_text["version"]) == ("Dogs", 3)
    reverted_entry = services.get_entry(team.project, entry["_id"])
    assert (reverted_entry["pos"], reverted_entry["version"]) == ("N", 3)


BOXES = """
(article) => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    const label = el.getAttribute('aria-label');
    return { x: r.left, y: r.top, right: r.right, bottom: r.bottom, label };
  };
  return {
    buttons: [...article.querySelectorAll('.ling-word-delete')].map(box),
    cells: [...article.querySelectorAll('.ling-words input')].map(box),
  };
}
"""


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    across = a["x"] < b["right"] and b["x"] < a["right"]
    return bool(across and a["y"] < b["bottom"] and b["y"] < a["bottom"])


def test_remove_word_buttons_cover_no_cell(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    # Given an annotator in the editor, the focus in the first word (its × shows)
    log_in_by_keyboard(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    page.get_by_label("Word 1 of utterance 1").focus()
    remove = page.get_by_role("button", name="Remove word 1 from utterance 1")
    expect(remove).to_be_visible()

    # Then no word's × covers any cell of the utterance, its own word's or the next one's
    boxes = page.get_by_test_id("utterance").first.evaluate(BOXES)
    assert len(boxes["buttons"]) == 2
    for button in boxes["buttons"]:
        covered = [cell["label"] for cell in boxes["cells"] if overlap(button, cell)]
        assert covered == [], (button["label"], covered)
    # And each × sits on its word's line, right of its word's form
    word = page.get_by_label("Word 1 of utterance 1").bounding_box()
    button = remove.bounding_box()
    assert button["x"] >= word["x"] + word["width"] - 0.5
    assert word["y"] - 1 <= button["y"]
    assert button["y"] + button["height"] <= word["y"] + word["height"] + 1
