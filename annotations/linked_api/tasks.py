"""Thin Celery tasks: ids in, the sync services do the work."""

from __future__ import annotations

from celery import shared_task

from annotations.linked_api import sync
from fieldmark.projects.models import Project


@shared_task(name="annotations.linked_api.tasks.sync_project", ignore_result=True)
def sync_project(project_id: int) -> int:
    """Apply a project's queued changes to its graph (idempotent: the outbox is the state)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return sync.drain(project)


@shared_task(name="annotations.linked_api.tasks.sync_all", ignore_result=True)
def sync_all() -> int:
    """Beat's safety net: drain any project whose task was lost."""
    done = 0
    for project_id in sync.queued_projects():
        done += sync_project(project_id)
    return done
