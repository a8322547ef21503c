"""A deleted project's model files (its versions' artifacts in Django storage)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fieldmark.projects.signals import project_deleted
from mlworkers import artifacts


@receiver(project_deleted, dispatch_uid="mlworkers.cleanup.project_deleted")
def remove_project_models(sender: Any, project_id: int, **kwargs: Any) -> None:
    artifacts.delete_prefix(f"models/{project_id}/")
