"""A video browsers cannot play is converted to H.264/AAC by an ``affect.transcode`` job on the
real worker; the stream then serves the copy, and ``?source=original`` the upload."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from annotations.affect import media
from annotations.affect_api import documents
from fieldmark.jobs.models import Job
from tests.affect.test_media import make_clip
from tests.affect_api.test_videos import VIDEOS, stored_files, upload

pytestmark = pytest.mark.django_db(transaction=True)


def wait_finished(job_id: Any, video_id: str | None = None, timeout: float = 120) -> Job:
    """Wait for the job, first on the video document, so that this thread does not read the
    jobs table (an in-memory shared-cache SQLite in tests: a read there can make the worker's
    progress write fail with "table is locked") while the worker is busy."""
    deadline = time.monotonic() + timeout
    while video_id is not None and time.monotonic() < deadline:
        if documents.videos.collection.find_one({"_id": video_id, "h264_size": {"$ne": None}}):
            break
        time.sleep(0.2)
    while time.monotonic() < deadline:
        try:
            job = Job.objects.get(id=job_id)
        except OperationalError:
            job = None
        if job is not None and job.state in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish")


def test_mpeg4_upload_is_transcoded_and_streamed_as_h264(
    team: Any,
    as_user: Any,
    mongo_db: Any,
    media_root: Path,
    celery_worker_session: Any,
    tmp_path_factory: Any,
) -> None:
    clip = make_clip(tmp_path_factory.mktemp("clips") / "clip.avi", "mpeg4", audio="mp2")
    viewer = as_user(team.viewer)

    created = upload(as_user(team.manager), clip)
    video = created.json()
    job = wait_finished(video["transcode_job"], video["id"])
    described = viewer.get(f"{VIDEOS}{video['id']}/").json()
    stream = viewer.get(f"{VIDEOS}{video['id']}/stream")
    original = viewer.get(f"{VIDEOS}{video['id']}/stream?source=original", HTTP_RANGE="bytes=0-9")

    assert created.status_code == 201, created.content
    assert (video["container"], video["video_codec"], video["needs_transcode"]) == (
        "avi",
        "mpeg4",
        True,
    )
    assert video["h264_size"] is None
    assert job.kind == "affect.transcode"
    assert job.queue == "default"
    assert job.state == "succeeded", job.error
    assert job.progress == 1.0
    assert job.params == {"video": video["id"]}
    pid = team.project.pk
    copy = media_root / f"videos/{pid}/{video['id']}/h264.mp4"
    assert job.result == {"video": video["id"], "h264_size": copy.stat().st_size}
    assert stored_files(media_root) == [
        f"videos/{pid}/{video['id']}/h264.mp4",
        f"videos/{pid}/{video['id']}/poster.jpg",
        f"videos/{pid}/{video['id']}/source.avi",
    ]
    info = media.probe(copy)
    assert (info.video_codec, info.audio_codec, info.pix_fmt, info.width, info.height) == (
        "h264",
        "aac",
        "yuv420p",
        64,
        48,
    )
    assert described["h264_size"] == copy.stat().st_size
    assert described["version"] == 2
    assert described["updated_by"] == "manager"
    assert stream.status_code == 200
    assert stream["Content-Type"] == "video/mp4"
    assert stream["Content-Length"] == str(copy.stat().st_size)
    assert stream["ETag"] == f'"{video["id"]}-2-h264"'
    assert b"".join(stream.streaming_content) == copy.read_bytes()
    assert original.status_code == 206
    assert original["Content-Range"] == f"bytes 0-9/{clip.stat().st_size}"
    assert b"".join(original.streaming_content) == clip.read_bytes()[:10]


def test_a_second_delivery_of_the_job_keeps_the_copy(
    team: Any,
    as_user: Any,
    mongo_db: Any,
    media_root: Path,
    celery_worker_session: Any,
    tmp_path_factory: Any,
) -> None:
    from fieldmark.jobs import services as jobs

    clip = make_clip(tmp_path_factory.mktemp("clips") / "clip.webm", "libvpx-vp9")
    video = upload(as_user(team.manager), clip).json()
    wait_finished(video["transcode_job"], video["id"])
    before = documents.videos.get(team.project.pk, video["id"])

    again = jobs.start_job(team.manager, team.project, "affect.transcode", {"video": video["id"]})
    done = wait_finished(again.id)

    assert done.state == "succeeded"
    assert done.result == {"video": video["id"], "h264_size": before["h264_size"]}
    assert documents.videos.get(team.project.pk, video["id"]) == before
    assert Job.objects.filter(kind="affect.transcode").count() == 2


def test_job_on_a_missing_video_fails_with_not_found(
    team: Any, mongo_db: Any, media_root: Path, celery_worker_session: Any
) -> None:
    from fieldmark.jobs import services as jobs

    job = jobs.start_job(team.manager, team.project, "affect.transcode", {"video": "gone"})
    done = wait_finished(job.id)

    assert done.state == "failed"
    assert done.error is not None
    assert (done.error["type"], done.error["detail"]) == ("DomainError", "No video with id gone.")
