"""Segmentation suggestions in the IGT editor: with an active segment model, an unsegmented
word's empty gloss cell shows the proposed cut with the glosses of its morphs; ArrowRight cuts
the word (and fills those glosses), Delete dismisses the proposal, and both are recorded."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_linguistic_ui import log_in
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

    # When they take it with ArrowRight, the word is cut, the glosses filled, the caret on the first
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Gloss of x in xtok")).to_have_value("COM")
    expect(page.get_by_label("Gloss of -tok in xtok")).to_have_value("look.for")
    expect(page.get_by_label("Gloss of x in xtok")).to_be_focused()

    expect(proposals).to_have_text(["r-ixoq-iil E3S wife NMLZ 100% →"])

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
