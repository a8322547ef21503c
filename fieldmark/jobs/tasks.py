"""Thin Celery tasks: they take IDs and call the job services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

from fieldmark.jobs import services
from fieldmark.jobs.registry import get_kind

logger = logging.getLogger(__name__)


@shared_task(name="fieldmark.jobs.tasks.run_job", ignore_result=True)
def run_job(job_id: str) -> None:
    job = services.claim(job_id)
    if job is None:
        logger.info("job %s is not queued any more; nothing to do", job_id)
        return
    reporter = services.ProgressReporter(job)
    try:
        result = get_kind(job.kind).handler(job, reporter)
    except services.JobCancelled:
        logger.info("job %s (%s) stopped on request", job_id, job.kind)
        services.mark_cancelled(job)
        return
    except Exception as exc:
        if services.retry_later(job, exc):
            logger.warning("job %s (%s) hit a transient fault; retrying: %s", job_id, job.kind, exc)
            return
        logger.exception("job %s (%s) failed", job_id, job.kind)
        services.fail(job, exc)
        return
    services.finish(job, result)


@shared_task(name="fieldmark.jobs.tasks.fail_stale_jobs", ignore_result=True)
def fail_stale_jobs() -> int:
    return services.fail_stale(timedelta(minutes=30))
