"""Thin Celery tasks of projects: purging a deleted project's documents and files."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from pymongo.errors import PyMongoError

from fieldmark.projects import services


# A store still busy (the 100k bench's mixed load left the embedded server a backlog that
# timed out the purge 30 s after it) or a connection refused is retried within minutes, not
# left to beat's pass every ten; a purge is idempotent.
@shared_task(
    name="fieldmark.projects.tasks.purge_project",
    ignore_result=True,
    autoretry_for=(PyMongoError, OSError),
    retry_backoff=15,
    retry_backoff_max=300,
    max_retries=8,
)
def purge_project(project_id: int) -> None:
    services.purge_project_data(project_id)


@shared_task(name="fieldmark.projects.tasks.resume_purges", ignore_result=True)
def resume_purges() -> int:
    """Beat: purges whose worker died before they finished (a purge is idempotent)."""
    return services.resume_purges(timedelta(minutes=10))
