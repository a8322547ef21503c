"""Face coding beyond one video and one model kind, through the API and a real worker: an image
model (a tiny ViT built from a config, no download) trained as a registry run of the ``face``
task, then one batch job coding the actor video, a second real video and a broken file, with a
report per video; and a GPU out-of-memory error met by halving the batch, every frame coded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from annotations.affect_api import documents
from fieldmark.jobs.models import Job
from mlworkers.models import ModelVersion, TrainingRun
from tests.affect_api.test_face_coding_shared import hand_codes
from tests.affect_api.test_transcode import wait_finished
from tests.affect_api.test_videos import FACE_VIDEO, upload
from tests.jobs_here import run_here_or_wait
from tests.shared_data import shared_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shared]
P = "/api/v1/projects/lezgi"
TINY_VIT = {
    "model_type": "vit",
    "image_size": 32,
    "patch_size": 8,
    "num_channels": 1,
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
}
SINGLE = "faces/single_face.mp4"


def frame_count(path: Path) -> int:
    """Frames of a video counted by decoding it with PyAV directly, not by our pipeline."""
    import av

    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_shared_transformer_run_then_one_batch_job_codes_three_videos(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path, celery_worker_session: Any
) -> None:
    # Given the actor video with the annotator's hand codes, a second real video, and a third
    # upload whose stored file is then overwritten with garbage
    manager = as_user(team.manager)
    actor = upload(manager, shared_file(FACE_VIDEO)).json()["id"]
    single = upload(manager, shared_file(SINGLE)).json()["id"]
    broken = upload(manager, shared_file(FACE_VIDEO)).json()["id"]
    stored = documents.videos.collection.find_one({"_id": broken})
    assert stored is not None
    Path(default_storage.path(stored["storage_name"])).write_bytes(b"\x00not a video" * 100)
    layer = as_user(team.annotator).post(f"{P}/videos/{actor}/layers/", hand_codes(), format="json")
    assert layer.status_code == 201, layer.content

    # When the manager trains the transformer kind of the face task from a config
    run = manager.post(
        f"{P}/models/runs/",
        {
            "task": "face",
            "kind": "transformer",
            "params": {
                "source": "annotator",
                "videos": [actor],
                "config": TINY_VIT,
                "epochs": 2,
                "batch": 64,
            },
        },
        format="json",
    )
    assert run.status_code == 202, run.content
    trained = wait_finished(run.json()["job"]["id"], timeout=600)
    assert trained.state == "succeeded", trained.error

    # Then it ran on the CPU queue (no GPU worker here) and registered a transformer version
    assert trained.queue == "train"
    version = ModelVersion.objects.get()
    assert (version.kind, version.number) == ("transformer", 1)
    assert TrainingRun.objects.get().device == "cpu"
    assert set(version.metrics["au_f1"]) <= {"AU12", "AU25", "AU26", "AU4", "AU6"}
    assert version.metrics["frames"] > 0

    # When one batch job codes the three videos with it
    code = manager.post(
        f"{P}/affect/face/code/", {"videos": [actor, single, broken], "stride": 2}, format="json"
    )
    assert code.status_code == 202, code.content
    job = wait_finished(code.json()["id"], timeout=600)
    assert job.state == "succeeded", job.error
    assert job.queue == "train"

    # Then each video has its own report: two coded, every other frame, the broken one failed
    result = job.result
    assert [r["video"] for r in result["videos"]] == [actor, single, broken]
    assert [r["status"] for r in result["videos"]] == ["coded", "coded", "failed"]
    assert (result["coded"], result["no_faces"], result["failed"]) == (2, 0, 1)
    first, second, third = result["videos"]
    assert first["frames_read"] == -(-472 // 2) == first["frames_with_face"]
    assert first["frames_coded"] == 236
    assert first["problems"] == []
    single_frames = frame_count(shared_file(SINGLE))
    assert second["frames_read"] == -(-single_frames // 2)
    assert second["frames_with_face"] == second["frames_read"]
    assert [s["subject"] for s in second["subjects"]] == [1]
    assert third["frames_read"] == 0 and third["layer"] is None
    assert len(third["problems"]) == 1 and third["problems"][0].startswith("cannot open the video")
    # And the two coded videos have a machine layer of the transformer version
    for video_id, report in ((actor, first), (single, second)):
        doc = documents.layers.collection.find_one({"_id": report["layer"]})
        assert doc is not None
        assert (doc["video_id"], doc["annotator"]) == (video_id, "machine:face-1")
        assert doc["model"]["stride"] == 2
    assert documents.layers.collection.count_documents({"video_id": broken}) == 0


def test_shared_bad_batches_and_transformer_params_name_the_field_and_change_nothing(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    manager = as_user(team.manager)
    vid = upload(manager, shared_file(FACE_VIDEO)).json()["id"]
    layer = as_user(team.annotator).post(f"{P}/videos/{vid}/layers/", hand_codes(), format="json")
    assert layer.status_code == 201
    jobs_before = Job.objects.count()
    url = f"{P}/affect/face/code/"

    empty = manager.post(url, {"videos": []}, format="json")
    unknown = manager.post(url, {"videos": [vid, "nope"]}, format="json")
    twice = manager.post(url, {"videos": [vid, vid]}, format="json")
    stride = manager.post(url, {"videos": [vid], "stride": 31}, format="json")
    no_model = manager.post(url, {"videos": [vid], "model": "999"}, format="json")
    denied = as_user(team.annotator).post(url, {"videos": [vid]}, format="json")
    outsider = as_user(team.outsider).post(url, {"videos": [vid]}, format="json")

    runs = f"{P}/models/runs/"
    bad: list[dict[str, Any]] = [
        {"config": {"hidden_size": 8}},
        {"config": {"model_type": "bert"}},
        {"config": {"model_type": "no-such-model"}},
        {"epochs": 0},
        {"batch": "big"},
        {"lr": -1},
        {"encoder": "../../etc", "config": TINY_VIT},
    ]
    answers = [
        manager.post(
            runs,
            {"task": "face", "kind": "transformer", "params": {"source": "annotator", **p}},
            format="json",
        )
        for p in bad
    ]

    assert empty.status_code == 400 and "videos" in empty.json()["fields"]
    assert unknown.status_code == 400
    assert unknown.json()["fields"] == {"videos": ["No video 'nope' in this project."]}
    assert twice.status_code == 400 and "videos" in twice.json()["fields"]
    assert stride.status_code == 400 and "stride" in stride.json()["fields"]
    assert no_model.status_code == 404
    assert denied.status_code == 403
    assert outsider.status_code in (403, 404)
    assert [a.status_code for a in answers] == [400] * len(bad), [a.content for a in answers]
    assert all("params" in a.json()["fields"] for a in answers)
    messages = [json.dumps(a.json()["fields"]) for a in answers]
    assert "model_type" in messages[0] and "not an image model" in messages[1]
    assert "epochs" in messages[3] and "batch" in messages[4] and "lr" in messages[5]
    assert Job.objects.count() == jobs_before
    assert TrainingRun.objects.count() == 0


def test_shared_gpu_out_of_memory_halves_the_batch_and_codes_every_frame(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path, monkeypatch: Any
) -> None:
    """What a small GPU does with a big batch (CUDA raises OutOfMemoryError) stood in for by
    the encoder's forward pass refusing more than 8 crops; everything else is real."""
    import torch

    from annotations.affect_api.services import face_coding, layers
    from mlworkers import training
    from mlworkers.face.transformer import VisionTransformerBackend

    # Given the actor video, its hand codes and a tiny transformer version trained in-process
    vid = upload(as_user(team.manager), shared_file(FACE_VIDEO)).json()["id"]
    layers.create_layer(team.annotator, "annotator", team.project, vid, hand_codes())
    run = training.start_training(
        team.manager,
        team.project,
        "face",
        "transformer",
        {"source": "annotator", "config": TINY_VIT, "epochs": 1, "batch": 64},
    )
    assert run.job is not None
    run_here_or_wait(run.job.pk)
    assert ModelVersion.objects.get().kind == "transformer"

    forward = VisionTransformerBackend._forward

    def small_gpu(self: Any, pixels: Any) -> Any:
        if len(pixels) > 8:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return forward(self, pixels)

    monkeypatch.setattr(VisionTransformerBackend, "_forward", small_gpu)

    # When the video is coded with it
    result = face_coding.code_video(team.project, vid, None, 1, team.manager, lambda *a: None)

    # Then the batch was halved twice, said so once each, and every frame was coded
    assert result["problems"] == [
        "GPU out of memory: batch reduced to 32 and retried",
        "GPU out of memory: batch reduced to 16 and retried",
        "GPU out of memory: batch reduced to 8 and retried",
    ]
    assert result["frames_coded"] == 472
    assert result["layer"] is not None
