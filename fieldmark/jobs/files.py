"""Files that jobs leave on disk: the upload an import reads (``params["path"]``) and the file an
export or PDF job writes (``result["path"]``), both relative to MEDIA_ROOT.

They go when their job row goes (a project's deletion cascades to its jobs), and a sweep on beat
removes them after a retention period: an import's upload once the job has finished (it is read
by that job only), an output file ``FIELDMARK_JOB_FILE_RETENTION_HOURS`` after the job finished
(a download then answers 404), and files no job refers to any more. Apps with files of their own
to expire (abandoned chunked uploads) register a sweeper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from fieldmark.jobs.models import FINISHED_STATES, Job

logger = logging.getLogger(__name__)

# Folders under MEDIA_ROOT that hold only job files (imports: uploads; the rest: outputs).
JOB_FOLDERS: Final = ("imports", "exports", "dictionaries")
# An import's upload stays this long after its job finished (a retried delivery may read it).
INPUT_GRACE: Final = timedelta(hours=1)
REMOVED: Final = "files_removed_at"

Sweeper = Callable[[datetime], int]
_sweepers: list[Sweeper] = []


def register_sweeper(sweeper: Sweeper) -> None:
    """``sweeper(now)`` removes an app's expired files and returns how many."""
    if sweeper not in _sweepers:
        _sweepers.append(sweeper)


def _media(relative: str) -> Path | None:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path != root else None


def input_file(job: Job) -> str | None:
    path = (job.params or {}).get("path")
    return path if isinstance(path, str) and path else None


def output_file(job: Job) -> str | None:
    path = (job.result or {}).get("path") if isinstance(job.result, dict) else None
    return path if isinstance(path, str) and path else None


def remove(relatives: Iterable[str | None]) -> int:
    removed = 0
    for relative in relatives:
        path = _media(relative) if relative else None
        if path is not None and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@receiver(post_delete, sender=Job, dispatch_uid="fieldmark.jobs.files.job_deleted")
def _job_deleted(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    names = [input_file(instance), output_file(instance)]
    transaction.on_commit(lambda: remove(names))


def _referenced() -> set[str]:
    names: set[str] = set()
    for params, result in Job.objects.values_list("params", "result").iterator():
        for doc in (params, result):
            if isinstance(doc, dict) and isinstance(doc.get("path"), str):
                names.add(doc["path"])
    return names


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Remove expired job files; returns counts by kind."""
    now = now or timezone.now()
    retention = timedelta(hours=settings.FIELDMARK_JOB_FILE_RETENTION_HOURS)
    counts = {"inputs": 0, "outputs": 0, "orphans": 0, "app_files": 0}
    finished = Job.objects.filter(state__in=FINISHED_STATES, finished_at__isnull=False)
    for job in finished.filter(finished_at__lt=now - INPUT_GRACE).exclude(
        params__has_key=REMOVED
    ):
        if input_file(job) is None:
            continue
        counts["inputs"] += remove([input_file(job)])
        Job.objects.filter(pk=job.pk).update(params={**job.params, REMOVED: now.isoformat()})
    for job in finished.filter(finished_at__lt=now - retention).exclude(
        result__has_key=REMOVED
    ):
        if output_file(job) is None:
            continue
        counts["outputs"] += remove([output_file(job)])
        Job.objects.filter(pk=job.pk).update(result={**job.result, REMOVED: now.isoformat()})
    counts["orphans"] = _sweep_orphans(now - retention)
    for sweeper in _sweepers:
        counts["app_files"] += sweeper(now)
    return counts


def _sweep_orphans(cutoff: datetime) -> int:
    """Files in the job folders that no job names and that are older than the retention: the
    upload of a job whose row is gone, or that was stored but never became a job."""
    root = Path(settings.MEDIA_ROOT)
    referenced = _referenced()
    limit = cutoff.timestamp()
    removed = 0
    for folder in JOB_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and relative not in referenced and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
