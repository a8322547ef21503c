"""ELAN import through the tier-mapping dialog, in a real browser, on the shared MPI demo file.

The tier summary, the preview and the import job run against the live server and a real Celery
worker; what is expected is counted from the file with lxml, apart from our reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.e2e.test_linguistic_ui import log_in, screenshot
from tests.linguistic_api.test_eaf_import import _first_text_annotation
from tests.shared_data import shared_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_eaf_import_with_the_tier_mapping_dialog(
    page: Any,
    live_server: Any,
    team: Any,
    mongo_db: Any,
    celery_worker_session: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    from annotations.linguistic_api import documents

    settings.MEDIA_ROOT = tmp_path
    path = shared_file("elan/sample_3.0.eaf")
    data = path.read_bytes()
    root = etree.fromstring(data)
    tier_ids = [tier.get("TIER_ID") for tier in root.iterfind("TIER")]
    utterances = len(root.xpath("//TIER[@TIER_ID='text']/ANNOTATION"))
    transcription, words = _first_text_annotation(data)

    # Given a manager on the text list who picks an .eaf file
    log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/projects/lezgi/texts")
    form = page.get_by_role("form", name="Import")
    form.get_by_label("File").set_input_files(str(path))

    # Then the format becomes eaf, the dialog lists every tier and the focus is on its first choice
    expect(form.get_by_label("Format")).to_have_value("eaf")
    table = form.get_by_test_id("eaf-tiers")
    expect(table.locator("tbody tr")).to_have_count(len(tier_ids))
    expect(table.locator("tbody th")).to_have_text(tier_ids)
    expect(form.get_by_label("Utterances (required)")).to_be_focused()
    # With the likely mapping chosen already
    expect(form.get_by_label("Utterances (required)")).to_have_value("text")
    expect(form.get_by_label("Words", exact=True)).to_have_value("words-symsub")
    expect(form.get_by_label("Parts of speech")).to_have_value("words-pos")

    # When they preview it, the first utterance shows as the import would make it
    form.get_by_role("button", name="Preview").click()
    preview = form.get_by_test_id("eaf-preview")
    expect(preview.locator("li").first).to_contain_text(transcription)
    expect(preview.locator("li").first).to_contain_text(f"{len(words)} words")
    screenshot(page, "linguistic-eaf-import.png")

    # And import it
    form.get_by_role("button", name="Import", exact=True).click()
    expect(form.get_by_role("status")).to_contain_text(f"{utterances} utterances", timeout=90_000)

    # Then Mongo holds one text with every utterance, the first with its words in order
    assert documents.utterances.collection.count_documents({"project": team.project.pk}) == (
        utterances
    )
    text = documents.texts.collection.find_one({"project": team.project.pk})
    assert text is not None
    first = documents.utterances.collection.find_one({"text": text["_id"], "order": 0})
    assert first is not None
    assert first["transcription"] == transcription
    assert [w["form"] for w in first["words"]] == words
