"""Automatic face coding end to end on the real actor video, through the API and a real worker:
train from a coder's hand codes, code the video, read the faces, review the suggestions, and
see the machine as a coder in the agreement report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotations.affect_api import documents, face_documents
from annotations.affect_api.services import face_training
from mlworkers.models import ModelVersion
from tests.affect_api.test_transcode import wait_finished
from tests.affect_api.test_videos import FACE_VIDEO, upload
from tests.face.conftest import HAND_CODES
from tests.realtime_log import logged_since, mark, only
from tests.shared_data import shared_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shared]
P = "/api/v1/projects/lezgi"


def hand_codes() -> dict[str, Any]:
    codes = json.loads(HAND_CODES.read_text())
    return {"events": codes["events"], "segments": codes["segments"]}


@pytest.fixture
def coded_video(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path, celery_worker_session: Any
) -> dict[str, Any]:
    """The actor video, the annotator's hand codes on it, a model trained from them and the
    video coded by that model."""
    manager = as_user(team.manager)
    video = upload(manager, shared_file(FACE_VIDEO)).json()
    vid = video["id"]
    layer = as_user(team.annotator).post(f"{P}/videos/{vid}/layers/", hand_codes(), format="json")
    assert layer.status_code == 201, layer.content

    train = manager.post(f"{P}/affect/face/train/", {"source": "annotator"}, format="json")
    assert train.status_code == 202, train.content
    trained = wait_finished(train.json()["id"], timeout=300)
    assert trained.state == "succeeded", trained.error

    code = manager.post(f"{P}/videos/{vid}/face/code/", {}, format="json")
    assert code.status_code == 202, code.content
    coded = wait_finished(code.json()["id"], timeout=300)
    assert coded.state == "succeeded", coded.error
    return {"video": vid, "train": trained.result, "code": coded.result}


@pytest.fixture
def since_start(team: Any) -> int:
    """The project's event number before anything below happened (requested first)."""
    return mark(team.viewer)


def test_shared_train_code_review_and_agree(
    since_start: int, coded_video: dict[str, Any], team: Any, as_user: Any, mongo_db: Any
) -> None:
    vid = coded_video["video"]
    train, code = coded_video["train"], coded_video["code"]
    viewer = as_user(team.viewer)

    # Training: a registry run of the face task registered version 1, scored on held-out seconds.
    assert train["number"] == 1
    models = viewer.get(f"{P}/affect/face/models/").json()
    assert [(m["name"], m["number"], m["kind"]) for m in models] == [("face-1", 1, "sklearn")]
    metrics = models[0]["metrics"]
    # Scored on the AUs that occur in the held-out seconds, which depend on the split (seeded,
    # but over ids that carry the uploaded video's random id).
    assert set(metrics["au_f1"]) <= {"AU12", "AU25", "AU26", "AU4", "AU6"}
    assert len(metrics["au_f1"]) >= 2, metrics
    assert metrics["frames"] > 0
    assert metrics["au_f1_mean"] > 0.5, metrics
    versions = viewer.get(f"{P}/models/versions/?task=face").json()["results"]
    assert [v["number"] for v in versions] == [1]

    # Coding: one subject on every frame, a machine layer with provenance and traces.
    assert code["subjects"] == [{"subject": 1, "frames": 472, "first_frame": 0, "last_frame": 471}]
    assert code["problems"] == []
    assert code["frames_coded"] == 472
    layers = viewer.get(f"{P}/videos/{vid}/layers/").json()
    machine = [lay for lay in layers if lay["kind"] == "model"]
    assert [m["annotator"] for m in machine] == ["machine:face-1"]
    layer_doc = documents.layers.collection.find_one({"_id": code["layer"]})
    assert layer_doc is not None
    assert layer_doc["model"]["name"] == "face-1"
    assert layer_doc["model"]["pipeline"] == code["pipeline"]
    assert len(layer_doc["model"]["event_probability"]) == len(layer_doc["events"]) > 0
    # A trace per AU the model has a head for, and the two dimensions. AU26 (a jaw drop in a few
    # seconds) gets a head only when some of its seconds fall in the training part of the split.
    heads = face_training.store.load(face_training.store.get(team.project, None)).aus
    assert {"AU12", "AU25", "AU4", "AU6"} <= set(heads) <= {"AU12", "AU25", "AU26", "AU4", "AU6"}
    assert layer_doc["trace_tracks"] == sorted([*heads, "arousal", "valence"])
    buckets = documents.trace_buckets()
    assert buckets.count_documents({"layer_id": code["layer"]}) == 7
    assert buckets.count_documents({"layer_id": code["layer"] + "/p"}) == 5
    aus = {e["au"] for e in layer_doc["events"]}
    assert {"AU12", "AU4"} <= aus
    emotions = [s["emotion"] for s in layer_doc["segments"]]
    assert "happiness" in emotions and "sadness" in emotions

    # Faces for the overlay.
    faces = viewer.get(f"{P}/videos/{vid}/face/tracks/?t0_ms=0&t1_ms=1000").json()
    (subject,) = faces["subjects"]
    assert subject["frames"] == list(range(24))
    assert len(subject["boxes"]) == 24 and len(subject["points"][0]) == 128
    assert all(0 <= v <= 1 for v in subject["boxes"][0])

    # Review: accept, edit, reject, each the coder's own decision.
    annotator = as_user(team.annotator)
    pending = annotator.get(f"{P}/videos/{vid}/face/suggestions/").json()
    assert {s["status"] for s in pending} == {"pending"}
    events = [s for s in pending if s["kind"] == "event"]
    first, second, third = events[0], events[1], events[2]
    url = f"{P}/videos/{vid}/face/suggestions/"
    accepted = annotator.post(
        url, {"layer": first["layer"], "key": first["key"], "decision": "accept"}, format="json"
    )
    again = annotator.post(
        url, {"layer": first["layer"], "key": first["key"], "decision": "accept"}, format="json"
    )
    edited_event = {**second["event"], "offset_ms": second["event"]["offset_ms"] - 10}
    edited = annotator.post(
        url,
        {"layer": second["layer"], "key": second["key"], "decision": "edit", "item": edited_event},
        format="json",
    )
    rejected = annotator.post(
        url, {"layer": third["layer"], "key": third["key"], "decision": "reject"}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert again.status_code == 409 and again.json()["error"] == "already_decided"
    assert edited.status_code == 200 and rejected.status_code == 200
    own = documents.layers.collection.find_one(
        {"video_id": vid, "annotator": "annotator", "kind": "coder"}
    )
    assert own is not None
    assert own["_id"] == accepted.json()["target_layer"]
    assert own["events"][-2:] == [first["event"], edited_event]
    statuses = {s["key"]: s["status"] for s in annotator.get(url).json()}
    assert statuses[first["key"]] == "accepted"
    assert statuses[second["key"]] == "edited"
    assert statuses[third["key"]] == "rejected"
    # The manager has decided nothing: every suggestion is still pending for them.
    manager_view = as_user(team.manager).get(url).json()
    assert {s["status"] for s in manager_view} == {"pending"}

    # Every layer write sent its layer as the API serves it: the machine's (from the worker,
    # with its traces), the coder's own (from the review), and each decision.
    sent = logged_since(team.project.pk, since_start)
    machine_event = [e for e in only(sent, "affect.layer.created") if e["id"] == code["layer"]]
    assert [e["data"] for e in machine_event] == [
        viewer.get(f"{P}/videos/{vid}/layers/{code['layer']}/").json()
    ]
    assert sorted(machine_event[0]["data"]["traces"]) == layer_doc["trace_tracks"]
    own_events = [e for e in sent if e["type"].startswith("affect.layer") and e["id"] == own["_id"]]
    assert own_events[-1]["version"] == own["version"]
    assert own_events[-1]["data"]["events"][-2:] == [first["event"], edited_event]
    decided = only(sent, "affect.suggestion.decided")
    assert [(e["key"], e["decision"]) for e in decided] == [
        (first["key"], "accept"), (second["key"], "edit"), (third["key"], "reject"),
    ]  # fmt: skip

    # Agreement: the machine is one more coder.
    report = viewer.get(f"{P}/videos/{vid}/agreement/?machine=1").json()
    assert [c["annotator"] for c in report["coders"]] == ["annotator", "machine:face-1"]
    pooled = viewer.get(f"{P}/affect/agreement/?machine=1").json()
    without = viewer.get(f"{P}/affect/agreement/").json()
    assert [v["video"] for v in pooled["videos"]] == [vid]
    assert without["videos"] == []


def test_shared_bad_requests_name_the_field_and_change_nothing(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    manager = as_user(team.manager)
    vid = upload(manager, shared_file(FACE_VIDEO)).json()["id"]

    bad_source = manager.post(f"{P}/affect/face/train/", {"source": "nobody"}, format="json")
    bad_stride = manager.post(f"{P}/videos/{vid}/face/code/", {"stride": 0}, format="json")
    no_model = manager.post(f"{P}/videos/{vid}/face/code/", {"model": "m9"}, format="json")
    wide = manager.get(f"{P}/videos/{vid}/face/tracks/?t0_ms=0&t1_ms=60000")
    decide = manager.post(
        f"{P}/videos/{vid}/face/suggestions/",
        {"layer": "x", "key": "AU1@0-10", "decision": "maybe"},
        format="json",
    )

    assert bad_source.status_code == 400 and "source" in bad_source.json()["fields"]
    assert bad_stride.status_code == 400 and "stride" in bad_stride.json()["fields"]
    assert no_model.status_code == 404
    assert wide.status_code == 400 and "t1_ms" in wide.json()["fields"]
    assert decide.status_code == 400 and "decision" in decide.json()["fields"]
    assert ModelVersion.objects.count() == 0
    assert face_documents.face_tracks().count_documents({}) == 0
