"""Job kinds of the affect API (found by ``autodiscover_modules("jobs")``); thin: the work is in
:mod:`annotations.affect_api.services`."""

from __future__ import annotations

from typing import Any

from annotations.affect_api import face_services, services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind


@job_kind(services.TRANSCODE_JOB, queue="default")
def transcode(job: Job, progress: Progress) -> dict[str, Any]:
    """Make the browser-playable H.264/AAC copy of ``params["video"]``."""
    by = job.created_by.username if job.created_by is not None else "system"

    def report(fraction: float) -> None:
        progress(fraction, "Converting the video to H.264")

    return services.transcode_video(job.project, str(job.params["video"]), by, report)


def _reporter(progress: Progress) -> face_services.Progress:
    def report(fraction: float, message: str) -> None:
        progress(fraction, message)

    return report


@job_kind(face_services.CODE_JOB, queue="gpu")
def face_code(job: Job, progress: Progress) -> dict[str, Any]:
    """Code ``params["video"]`` with a face model (the newest by default) into a machine layer.
    Queued on ``gpu`` where a GPU worker is deployed, else on ``default``."""
    params = job.params
    return face_services.code_video(
        job.project,
        str(params["video"]),
        params.get("model"),
        int(params.get("stride", 1)),
        job.created_by,
        _reporter(progress),
    )


@job_kind(face_services.TRAIN_JOB, queue="gpu")
def face_train(job: Job, progress: Progress) -> dict[str, Any]:
    """Train a face model on ``params["source"]`` layers of ``params["videos"]`` (or all)."""
    by = job.created_by.username if job.created_by is not None else "system"
    return face_services.train_models(
        job.project,
        str(job.params["source"]),
        job.params.get("videos"),
        by,
        _reporter(progress),
        str(job.id),
    )
