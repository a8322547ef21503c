"""The models path end to end on the whole real Uspanteko train file (SIGMORPHON 2023, 9,774
utterances): import it, train a gloss model with a live progress bar, read its metrics,
confusion matrix and learning curve, take a suggestion in the editor with one key, pre-annotate
a new text (the first dev utterances, glosses left out) and accept in bulk. The browser does it
all; Mongo and SQL are read back to check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_linguistic_ui import log_in
from tests.shared_data import shared_file

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.django_db(transaction=True)]

TRAIN = "glossing/Uspanteko/usp-train-track2-uncovered"
DEV = "glossing/Uspanteko/usp-dev-track2-uncovered"
NEW_UTTERANCES = 4


def write_text(path: Path, source: str, count: int, name: str, *, blank: bool) -> int:
    """The first ``count`` utterances of a shared file (0: all) as a Fieldmark JSON text; returns
    how many were written."""
    from mlworkers.core import data
    from mlworkers.corpus import sigmorphon_text

    utterances = data.read_sigmorphon(shared_file(source))
    if count:
        utterances = utterances[:count]
    text = sigmorphon_text(
        utterances, text_id=name, title=name, lang="es", blank=("gloss",) if blank else ()
    )
    path.write_text(json.dumps(text.to_doc(), ensure_ascii=False) + "\n", encoding="utf-8")
    return len(utterances)


def import_through_the_page(page: Any, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/projects/lezgi/texts")
    form = page.get_by_role("form", name="Import")
    form.get_by_label("File").set_input_files(str(path))
    form.get_by_label("Format").select_option("json")
    form.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text="Imported 1 texts")).to_be_visible(
        timeout=180_000
    )


def text_id(team: Any, name: str) -> str:
    from annotations.linguistic_api import documents

    doc = documents.texts.collection.find_one({"project": team.project.pk, "source_id": name})
    assert doc is not None
    return str(doc["_id"])


def test_shared_uspanteko_import_train_suggest_and_bulk_accept(
    page: Any,
    live_server: Any,
    team: Any,
    mongo_db: Any,
    celery_worker_session: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    from annotations.linguistic_api import documents
    from mlworkers.models import ModelVersion, SuggestionFeedback

    settings.MEDIA_ROOT = tmp_path
    train_file, new_file = tmp_path / "usp-train.jsonl", tmp_path / "usp-new.jsonl"
    assert write_text(train_file, TRAIN, 0, "usp-train", blank=False) == 9774
    write_text(new_file, DEV, NEW_UTTERANCES, "usp-new", blank=True)

    # Given a manager who imports the whole glossed Uspanteko train file through the texts page
    log_in(page, live_server.url, "manager")
    import_through_the_page(page, live_server.url, train_file)
    train_id = text_id(team, "usp-train")
    assert documents.utterances.collection.count_documents({"text": train_id}) == 9774

    # When they train a gloss model on the Models page
    page.goto(f"{live_server.url}/projects/lezgi")
    page.get_by_role("link", name="Models", exact=True).click()
    form = page.get_by_role("form", name="Train a model")
    form.get_by_label("Task").select_option("gloss")
    form.get_by_label("Model kind").select_option("memory")
    form.get_by_role("button", name="Train").click()

    # Then the run shows a live progress bar that reaches 100 % and the run succeeds
    row = page.get_by_test_id("run-row").first
    # (the request checks that enough utterances are glossed: on the embedded store a read of
    # this 9,774-utterance project takes seconds when other work shares the CPU)
    expect(row.get_by_role("progressbar")).to_be_visible(timeout=60_000)
    expect(row.get_by_test_id("run-state")).to_have_text("succeeded", timeout=240_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    # and the new version is active, with held-out metrics and both pictures
    version = page.get_by_test_id("version-row").first
    expect(version.get_by_test_id("version-status")).to_have_text("active")
    expect(version.get_by_test_id("version-word-accuracy")).to_have_text(re.compile(r"^\d+\.\d%$"))
    details = page.get_by_test_id("version-details")
    expect(details.get_by_test_id("version-metrics")).to_contain_text("Word accuracy")
    expect(details.get_by_test_id("confusion-matrix")).to_be_visible()
    assert details.get_by_test_id("confusion-cell").count() >= 4
    expect(details.get_by_test_id("learning-curve").locator("circle")).to_have_count(8)
    row.get_by_role("button", name="Log").click()
    expect(page.get_by_test_id("run-log")).to_contain_text("registered version 1 (activated)")
    model = ModelVersion.objects.get()
    assert (model.task, model.number, model.status) == ("gloss", 1, "active")
    # trained on the whole file: 9,774 utterances, 10 % of them held out by the seed
    assert model.run is not None
    assert model.run.counts["utterances"] == 9774
    assert model.run.counts["train"] + model.run.counts["heldout"] == 9774

    # When they import a new, unglossed text and open it in the editor
    import_through_the_page(page, live_server.url, new_file)
    new = text_id(team, "usp-new")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{new}")
    first_cell = page.locator("input.ling-gloss-input").first
    expect(first_cell).to_be_focused()

    # Then the first gloss cell shows the model's proposal, accepted with one key
    ghost = page.get_by_test_id("machine-suggestion").first
    expect(ghost).to_be_visible(timeout=30_000)
    proposed = ghost.inner_text().split(" ")[0]
    page.keyboard.press("ArrowRight")
    expect(first_cell).to_have_value(proposed)
    expect(page.get_by_test_id("machine-made").first).to_be_visible()
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("utterance-status").first).to_have_text("v2", timeout=30_000)
    utterances = list(documents.utterances.collection.find({"text": new}, sort=[("order", 1)]))
    first_gloss = utterances[0]["words"][0].get("morphemes", [{}])[0].get("gloss") or (
        utterances[0]["words"][0].get("gloss")
    )
    assert first_gloss == proposed
    feedback = SuggestionFeedback.objects.get()
    assert (feedback.accepted, feedback.label, feedback.version_id) == (True, proposed, model.pk)

    # When they pre-annotate the text and accept everything the model is at least 50 % sure of
    toolbar = page.get_by_role("group", name="Machine suggestions")
    toolbar.get_by_role("button", name="Pre-annotate").click()
    expect(page.get_by_test_id("machine-result")).to_contain_text("suggestions", timeout=60_000)
    toolbar.get_by_label("Acceptance threshold").fill("0.5")
    toolbar.get_by_role("button", name="Accept all above threshold").click()

    # Then glosses were written into the utterances with new versions, the first one kept
    expect(page.get_by_test_id("machine-result")).to_contain_text("accepted")
    accepted = int(page.get_by_test_id("machine-result").inner_text().split(" ")[0])
    assert accepted > 0
    after = list(documents.utterances.collection.find({"text": new}, sort=[("order", 1)]))
    assert sum(u["version"] for u in after) > sum(u["version"] for u in utterances)
    assert (after[0]["words"][0].get("morphemes", [{}])[0].get("gloss")
            or after[0]["words"][0].get("gloss")) == proposed  # fmt: skip
    assert SuggestionFeedback.objects.filter(accepted=True).count() == 1 + accepted
