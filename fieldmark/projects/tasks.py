"""Thin Celery tasks of projects: purging a deleted project's documents and files."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from fieldmark.projects import services


@shared_task(name="fieldmark.projects.tasks.purge_project", ignore_result=True)
def purge_project(project_id: int) -> None:
    services.purge_project_data(project_id)


@shared_task(name="fieldmark.projects.tasks.resume_purges", ignore_result=True)
def resume_purges() -> int:
    """Beat: purges whose worker died before they finished (a purge is idempotent)."""
    return services.resume_purges(timedelta(minutes=10))
