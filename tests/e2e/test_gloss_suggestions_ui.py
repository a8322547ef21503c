"""A gloss model's proposals in the IGT editor lie over their empty gloss cells, on one line cut
off where the cell ends: the tier rows keep their height, so every column's gloss and POS stay
on their labels and in line with the columns without a proposal, before and after one is taken
(the "machine" mark of a taken one lies over the cell's edge); the page stays accessible."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.igt_layout import PX, assert_inside, assert_on_label, box
from tests.e2e.test_linguistic_ui import log_in, screenshot
from tests.mlworkers.conftest import SENTENCES, import_text, text_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def gloss_and_pos_in_line(page: Any, utterance: Any, first_cell: Any, tok: Any) -> None:
    """The gloss and POS cells of the glossed column and of the proposed ones are on their
    tiers' labels."""
    assert_on_label(
        utterance, "gloss", first_cell, tok, page.get_by_label("Gloss of r in rixoqiil")
    )
    assert_on_label(
        utterance, "POS", page.get_by_label("POS of x in xtok"),
        page.get_by_label("POS of -tok in xtok"), page.get_by_label("POS of -iil in rixoqiil"),
    )  # fmt: skip


def test_gloss_proposals_keep_the_tiers_on_their_labels(
    page: Any, live_server: Any, team: Any, mongo_db: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # Given a gloss model trained on a glossed text, and the text's first line again, unglossed:
    # x-tok r-ixoq-iil (tests/mlworkers/conftest.py)
    import_text(team, "train", SENTENCES)
    call_command("ml_train", "lezgi", "gloss", "memory", "--inline", "--activate",
                 stdout=io.StringIO())  # fmt: skip
    import_text(team, "new", SENTENCES[:1], glossed=False)

    # When an annotator opens it and glosses the first morpheme by hand
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text_id(team, 'new')}")
    proposals = page.get_by_test_id("machine-suggestion")
    expect(proposals).to_have_text(
        ["COM 100% →", "look.for 100% →", "E3S 100% →", "wife 100% →", "NMLZ 100% →"],
        timeout=30_000,
    )
    first_cell = page.get_by_label("Gloss of x in xtok")
    expect(first_cell).to_be_focused()
    page.keyboard.type("COM")
    expect(proposals).to_have_count(4)

    # Then the column without a proposal and those with one are in line, on the tier labels
    tok = page.get_by_label("Gloss of -tok in xtok")
    screenshot(page, "gloss-proposals.png")
    utterance = page.get_by_test_id("utterance").first
    gloss_and_pos_in_line(page, utterance, first_cell, tok)
    assert_on_label(
        utterance, "word POS", page.get_by_label("Word POS of xtok"),
        page.get_by_label("Word POS of rixoqiil"),
    )  # fmt: skip
    # and each proposal is on one line inside its cell, cut off there, the title holding it all
    assert_inside(proposals.first, tok)
    assert proposals.first.evaluate("(ghost) => ghost.scrollWidth > ghost.clientWidth")
    expect(proposals.first).to_have_attribute(
        "title", "Model v1 proposes “look.for” (p 100%): → accepts, Delete dismisses"
    )
    assert_accessible(page, "editor, gloss proposals showing")

    # When they take the second morpheme's proposal with ArrowRight
    tok.focus()
    page.keyboard.press("ArrowRight")
    expect(tok).to_have_value("look.for")
    mark = page.get_by_test_id("machine-made")
    expect(mark).to_have_count(1)

    # Then its "machine" mark moves no tier either
    screenshot(page, "gloss-proposal-taken.png")
    gloss_and_pos_in_line(page, utterance, first_cell, tok)
    expect(mark).to_have_attribute("title", "Accepted from model v1")
    # and the mark, on the cell's top edge, covers nothing of the morph's form above it
    form = box(page.get_by_label("Form of -tok in xtok"))
    assert box(mark)["y"] >= form["y"] + form["height"] - PX, (box(mark), form)
    assert_accessible(page, "editor, a gloss proposal taken")
