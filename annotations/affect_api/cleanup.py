"""Affect files outside MongoDB: a deleted project's videos (sources, H.264 copies, posters,
thumbnails) and chunked uploads, and uploads abandoned half-way."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from annotations.affect_api import documents
from fieldmark.projects.signals import project_deleted

logger = logging.getLogger(__name__)


def project_folders(project_id: int) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [root / "videos" / str(project_id), root / "uploads" / str(project_id)]


@receiver(project_deleted, dispatch_uid="annotations.affect_api.cleanup.project_deleted")
def remove_project_files(sender: Any, project_id: int, **kwargs: Any) -> None:
    for folder in project_folders(project_id):
        shutil.rmtree(folder, ignore_errors=True)


def sweep_abandoned_uploads(now: datetime) -> int:
    """Chunked uploads that received nothing for ``FIELDMARK_UPLOAD_RETENTION_HOURS``: the part
    file and its upload document go (a client resuming later gets 404 and starts again)."""
    cutoff = (now - timedelta(hours=settings.FIELDMARK_UPLOAD_RETENTION_HOURS)).timestamp()
    base = Path(settings.MEDIA_ROOT) / "uploads"
    removed = 0
    if not base.is_dir():
        return 0
    for part in base.glob("*/*.part"):
        if part.stat().st_mtime >= cutoff:
            continue
        documents.uploads().delete_one({"_id": part.stem})
        part.unlink(missing_ok=True)
        removed += 1
    return removed
