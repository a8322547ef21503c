"""Job kinds of the affect API (found by ``autodiscover_modules("jobs")``); thin: the work is in
:mod:`annotations.affect_api.services`."""

from __future__ import annotations

from typing import Any

from annotations.affect_api import face_batch
from annotations.affect_api.services import face_coding
from annotations.affect_api.services.videos import TRANSCODE_JOB, transcode_video
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind


@job_kind(TRANSCODE_JOB, queue="default")
def transcode(job: Job, progress: Progress) -> dict[str, Any]:
    """Make the browser-playable H.264/AAC copy of ``params["video"]``."""
    by = job.created_by.username if job.created_by is not None else "system"

    def report(fraction: float) -> None:
        progress(fraction, "Converting the video to H.264")

    return transcode_video(job.project, str(job.params["video"]), by, report)


def _reporter(progress: Progress) -> face_coding.Progress:
    def report(fraction: float, message: str) -> None:
        progress(fraction, message)

    return report


@job_kind(face_coding.CODE_JOB, queue="gpu")
def face_code(job: Job, progress: Progress) -> dict[str, Any]:
    """Code ``params["video"]`` with a face model (the active or newest by default) into a
    machine layer. Queued on ``gpu`` where a GPU worker is deployed, else on ``train``."""
    params = job.params
    return face_coding.code_video(
        job.project,
        str(params["video"]),
        params.get("model"),
        int(params.get("stride", 1)),
        job.created_by,
        _reporter(progress),
    )


@job_kind(face_batch.BATCH_JOB, queue="gpu")
def face_code_batch(job: Job, progress: Progress) -> dict[str, Any]:
    """Code every video of ``params["videos"]``; each video's report is stored on the job as
    soon as it is done."""
    params = job.params
    videos = [str(v) for v in params["videos"]]

    def store(results: list[dict[str, Any]]) -> None:
        Job.objects.filter(pk=job.pk).update(result={"videos": results, "partial": True})

    return face_batch.code_videos(
        job.project,
        videos,
        params.get("model"),
        int(params.get("stride", 1)),
        job.created_by,
        _reporter(progress),
        store,
    )
