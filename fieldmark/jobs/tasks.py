"""Thin Celery tasks: they take IDs and call the job services."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from fieldmark.jobs import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import get_kind

logger = logging.getLogger(__name__)
RUN_JOB = "fieldmark.jobs.tasks.run_job"


@shared_task(name=RUN_JOB, ignore_result=True)
def run_job(job_id: str) -> None:
    job = services.claim(job_id)
    if job is None:
        logger.info("job %s is not queued any more; nothing to do", job_id)
        return
    reporter = services.ProgressReporter(job)
    try:
        with services.Heartbeat(job):
            result = get_kind(job.kind).handler(job, reporter)
    except services.JobCancelled:
        logger.info("job %s (%s) stopped on request", job_id, job.kind)
        services.mark_cancelled(job)
        services.clean_up(job)
        return
    except Exception as exc:
        if services.retry_later(job, exc):
            logger.warning("job %s (%s) hit a transient fault; retrying: %s", job_id, job.kind, exc)
            return
        logger.exception("job %s (%s) failed", job_id, job.kind)
        services.fail(job, exc)
        services.clean_up(job)
        return
    services.finish(job, result)


@shared_task(name="fieldmark.jobs.tasks.sweep_job_files", ignore_result=True)
def sweep_job_files() -> dict[str, int]:
    from fieldmark.jobs import files

    counts = files.sweep()
    logger.info("swept job files: %s", counts)
    return counts


@task_failure.connect
def _worker_lost(sender: Any = None, exception: Any = None, args: Any = None, **_: Any) -> None:
    """In the worker's main process: the pool child running a job died (SIGKILL, out of
    memory). The message is acknowledged, not redelivered (``task_reject_on_worker_lost`` is
    off, so a job that kills its worker cannot loop), and the job is failed and cleaned up now
    rather than at the next sweep."""
    if getattr(sender, "name", None) != RUN_JOB or not isinstance(exception, WorkerLostError):
        return
    job = Job.objects.filter(id=(args or [None])[0]).first()
    if job is not None:
        services.fail_lost(job, f"The worker process running this job stopped ({exception})")


@shared_task(name="fieldmark.jobs.tasks.fail_stale_jobs", ignore_result=True)
def fail_stale_jobs() -> int:
    return services.fail_stale(timedelta(seconds=settings.FIELDMARK_JOB_STALE_SECONDS))
