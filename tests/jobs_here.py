"""Run a queued job in the test's own thread, or wait for the worker that took it first.

A real Celery worker started by an earlier test may still consume the queue, so a test that
wants to run a job in-process must claim it as a worker would; when the worker claimed it
first, the test waits for that worker's result instead of running the job a second time.
"""

from __future__ import annotations

from typing import Any

from fieldmark.jobs import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import get_kind


def run_here_or_wait(job_id: Any, timeout: float = 600) -> Job:
    from tests.affect_api.test_transcode import wait_finished

    job = services.claim(str(job_id))
    if job is None:
        finished = wait_finished(job_id, timeout=timeout)
    else:
        services.finish(job, get_kind(job.kind).handler(job, lambda *a: None))
        finished = Job.objects.get(pk=job.pk)
    assert finished.state == "succeeded", (finished.state, finished.error)
    return finished
