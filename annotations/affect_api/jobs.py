"""Job kinds of the affect API (found by ``autodiscover_modules("jobs")``); thin: the work is in
:mod:`annotations.affect_api.services`."""

from __future__ import annotations

from typing import Any

from annotations.affect_api import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind


@job_kind(services.TRANSCODE_JOB, queue="default")
def transcode(job: Job, progress: Progress) -> dict[str, Any]:
    """Make the browser-playable H.264/AAC copy of ``params["video"]``."""
    by = job.created_by.username if job.created_by is not None else "system"

    def report(fraction: float) -> None:
        progress(fraction, "Converting the video to H.264")

    return services.transcode_video(job.project, str(job.params["video"]), by, report)
