"""Machine coding in the video workspace, in a real browser: the actor video is trained on and
coded by the real pipeline, then a coder sees the suggestions, the face overlay and the curves,
and accepts and rejects suggestions with the keyboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_affect_ui import log_in, screenshot, shared_video  # noqa: F401
from tests.face.conftest import HAND_CODES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.shared]


def no_progress(fraction: float, message: str) -> None:
    return None


@pytest.fixture
def machine_coded(team: Any, shared_video: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    from annotations.affect_api.services import face_coding, face_review, face_training, layers

    video_id = str(shared_video["_id"])
    codes = json.loads(Path(HAND_CODES).read_text())
    layers.create_layer(
        team.manager,
        "manager",
        team.project,
        video_id,
        {"events": codes["events"], "segments": codes["segments"]},
    )
    from tests.jobs_here import run_here_or_wait

    # The registry's training run, executed here unless a worker took it first.
    job = face_training.start_training(team.manager, team.project, "manager")
    run_here_or_wait(job.pk)
    result = face_coding.code_video(team.project, video_id, None, 1, team.manager, no_progress)
    listed = face_review.suggestions(team.project, video_id, "annotator")
    return {"video": video_id, "result": result, "listed": listed}


def test_shared_coder_reviews_machine_suggestions_with_keys(
    page: Any, live_server: Any, team: Any, machine_coded: dict[str, Any]
) -> None:
    from annotations.affect_api import documents, face_documents

    video_id = machine_coded["video"]
    layer_id = machine_coded["result"]["layer"]
    n_events = machine_coded["result"]["events"]
    n_segments = machine_coded["result"]["segments"]

    # Given an annotator in the workspace of the machine-coded video
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/videos/{video_id}")
    panel = page.get_by_test_id("face-panel")

    # Then the suggestion layer is there, with the machine's AU curves
    expect(panel).to_contain_text("machine:face-1")
    items = page.get_by_test_id("suggestion")
    expect(items).to_have_count(n_events + n_segments)
    expect(page.get_by_test_id("au-curve-AU12")).to_be_visible()

    # And the face overlay shows the one subject on the current frame
    page.get_by_test_id("face-overlay-toggle").click()
    expect(page.get_by_test_id("face-box")).to_have_count(1)
    expect(page.get_by_test_id("face-box").first).to_have_attribute("data-subject", "1")
    screenshot(page, "face-workspace.png")

    # When they accept the first suggestion and reject the second with the keyboard
    page.get_by_test_id("suggestions").focus()
    page.keyboard.press("y")
    expect(items.nth(0)).to_have_attribute("data-status", "accepted")
    page.keyboard.press("r")
    expect(items.nth(1)).to_have_attribute("data-status", "rejected")

    # When they accept a suggested emotion segment with its button
    listed = machine_coded["listed"]
    later = next(i for i, s in enumerate(listed) if s["kind"] == "segment" and i >= 2)
    items.nth(later).get_by_role("button", name="Accept").click()
    expect(items.nth(later)).to_have_attribute("data-status", "accepted")

    # Then it is in their own row of the timeline at once, no reload, and the layer is saved
    own_segments = 1 + (listed[0]["kind"] == "segment")
    own_row = page.get_by_test_id("own-layer-row")
    expect(own_row.get_by_test_id("segment")).to_have_count(own_segments)
    expect(page.get_by_test_id("face-note")).to_have_text("Added to your layer.")
    expect(page.get_by_text("Saved (version 2)")).to_be_visible()

    # Then the accepted ones are in their own layer and every decision is stored
    own = documents.layers.collection.find_one(
        {"video_id": video_id, "annotator": "annotator", "kind": "coder"}
    )
    assert own is not None
    first = listed[0]
    segment = listed[later]["segment"]
    if first["kind"] == "event":
        assert (own["events"], own["segments"]) == ([first["event"]], [segment])
    else:
        assert (own["events"], own["segments"]) == ([], [first["segment"], segment])
    assert own["version"] == 2
    decisions = sorted(
        d["decision"] for d in face_documents.face_suggestions().find({"layer_id": layer_id})
    )
    assert decisions == ["accepted", "accepted", "rejected"]
