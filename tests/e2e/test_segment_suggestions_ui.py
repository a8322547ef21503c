"""Segmentation suggestions in the IGT editor: with an active segment model, an unsegmented
word's empty gloss cell shows the proposed cut with the glosses of its morphs; ArrowRight cuts
the word (and fills those glosses), Delete dismisses the proposal, and both are recorded."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.igt_layout import assert_inside, assert_on_label
from tests.e2e.test_linguistic_ui import log_in, screenshot
from tests.mlworkers.conftest import SENTENCES, import_text
from tests.mlworkers.test_suggestions import import_unsegmented

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_proposed_cut_is_taken_with_one_key_and_another_dismissed(
    page: Any, live_server: Any, team: Any, mongo_db: Any, settings: Any, tmp_path: Any
) -> None:
    from annotations.linguistic_api import documents
    from mlworkers.models import ModelVersion, SuggestionFeedback

    settings.MEDIA_ROOT = tmp_path
    # Given a segment model trained on a glossed text, where "xtok" is always x-tok "COM-look.for"
    # and "rixoqiil" r-ixoq-iil (tests/mlworkers/conftest.py), and a new text left uncut
    import_text(team, "train", SENTENCES)
    call_command("ml_train", "lezgi", "segment", "memory", "--inline", "--activate",
                 stdout=io.StringIO())  # fmt: skip
    version = ModelVersion.objects.get(task="segment", status="active")
    raw = import_unsegmented(team, "raw", [["xtok", "rixoqiil"]])

    # When an annotator opens it
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{raw}")
    first_cell = page.get_by_label("Gloss of xtok in xtok")
    expect(first_cell).to_be_focused()

    # Then each word's empty gloss cell proposes its cut with the glosses of its morphs
    proposals = page.get_by_test_id("machine-segmentation")
    expect(proposals).to_have_text(
        ["x-tok COM look.for 100% →", "r-ixoq-iil E3S wife NMLZ 100% →"], timeout=30_000
    )
    expect(page.get_by_test_id("machine-suggestion")).to_have_count(0)  # no gloss model
    # and the gloss and POS tiers stay on their labels
    screenshot(page, "segment-proposals.png")
    utterance = page.get_by_test_id("utterance").first
    assert_on_label(
        utterance, "gloss", first_cell, page.get_by_label("Gloss of rixoqiil in rixoqiil")
    )
    assert_on_label(
        utterance, "POS", page.get_by_label("POS of xtok in xtok"),
        page.get_by_label("POS of rixoqiil in rixoqiil"),
    )  # fmt: skip
    # and each proposal is on one line inside its cell, cut off where the cell ends (the title
    # holds it all)
    for proposal, word in zip(proposals.all(), ["xtok", "rixoqiil"], strict=True):
        assert_inside(proposal, page.get_by_label(f"Gloss of {word} in {word}"))
    expect(proposals.first).to_have_attribute(
        "title",
        "Model v1 proposes the cut “x-tok” glossed “COM look.for” (p 100%): "
        "→ cuts the word, Delete dismisses",
    )

    # When they take it with ArrowRight, the word is cut, the glosses filled, the caret on the first
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Gloss of x in xtok")).to_have_value("COM")
    expect(page.get_by_label("Gloss of -tok in xtok")).to_have_value("look.for")
    expect(page.get_by_label("Gloss of x in xtok")).to_be_focused()

    expect(proposals).to_have_text(["r-ixoq-iil E3S wife NMLZ 100% →"])
    # and the word still proposed keeps its tiers in line with the cut one's and their labels
    screenshot(page, "segment-proposal-taken.png")
    assert_on_label(
        utterance, "gloss", page.get_by_label("Gloss of -tok in xtok"),
        page.get_by_label("Gloss of rixoqiil in rixoqiil"),
    )  # fmt: skip
    assert_on_label(
        utterance, "POS", page.get_by_label("POS of -tok in xtok"),
        page.get_by_label("POS of rixoqiil in rixoqiil"),
    )  # fmt: skip
    assert_on_label(utterance, "word POS", page.get_by_label("Word POS of xtok"))

    # and when they move on to the second word and dismiss its proposal with Delete
    page.get_by_label("Gloss of rixoqiil in rixoqiil").focus()
    page.keyboard.press("Delete")
    expect(proposals).to_have_count(0)
    expect(page.get_by_label("Gloss of rixoqiil in rixoqiil")).to_have_value("")

    # Then a save writes the cut word and leaves the dismissed one uncut
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("utterance-status").first).to_have_text("v2", timeout=30_000)
    saved = documents.utterances.collection.find_one({"text": raw, "order": 0})
    assert saved is not None
    assert saved["words"] == [
        {"form": "xtok", "morphemes": [{"form": "x", "gloss": "COM"},
                                       {"form": "tok", "sep": "-", "gloss": "look.for"}]},
        {"form": "rixoqiil"},
    ]  # fmt: skip
    decided = [
        (f.word, f.morpheme, f.field, f.label, f.accepted, f.version_id)
        for f in SuggestionFeedback.objects.order_by("pk")
    ]
    assert decided == [
        (0, None, "morphemes", "x-tok", True, version.pk),
        (1, None, "morphemes", "r-ixoq-iil", False, version.pk),
    ]
