"""Starting, claiming, reporting and finishing jobs."""

from __future__ import annotations

import time
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import FINISHED_STATES, Job, JobState
from fieldmark.jobs.registry import get_kind
from fieldmark.projects.models import Project
from fieldmark.realtime.events import send_now


def resolve_queue(requested: str) -> str:
    """Send GPU work to the ``gpu`` queue only where a GPU worker is deployed."""
    if requested == "gpu" and not getattr(settings, "FIELDMARK_GPU_QUEUE", False):
        return "default"
    return requested


class JobCancelled(Exception):
    """Raised by a handler that saw ``cancel_requested`` between two steps."""


def start_job(
    user: User | None,
    project: Project,
    kind: str,
    params: dict[str, Any],
    *,
    queue: str | None = None,
) -> Job:
    """Create a job row and enqueue it once the surrounding transaction commits.

    ``queue`` overrides the kind's queue (training picks ``gpu`` only for models that use one).
    """
    try:
        job_kind = get_kind(kind)
    except KeyError:
        raise DomainError("unknown_job_kind", f"No job kind {kind!r}.", field="kind") from None
    job = Job.objects.create(
        project=project,
        kind=kind,
        params=params,
        created_by=user,
        queue=resolve_queue(queue or job_kind.queue),
    )
    transaction.on_commit(lambda: enqueue(job))
    return job


def enqueue(job: Job, countdown: float | None = None) -> None:
    from fieldmark.jobs.tasks import run_job

    kind = get_kind(job.kind)
    options: dict[str, Any] = {"queue": job.queue}
    if kind.soft_time_limit is not None:
        options["soft_time_limit"] = kind.soft_time_limit
    if kind.time_limit is not None:
        options["time_limit"] = kind.time_limit
    if countdown:
        options["countdown"] = countdown
    run_job.apply_async(args=(str(job.id),), **options)


def cancel_requested(job: Job) -> bool:
    """True once someone asked a running job to stop (one indexed read; poll between steps)."""
    row = Job.objects.filter(id=job.id).values_list("state", "cancel_requested").first()
    # A job failed meanwhile (the stale sweep) counts too: its result would be thrown away.
    return row is None or row[0] != JobState.RUNNING or bool(row[1])


def retry_later(job: Job, exc: BaseException) -> bool:
    """Re-queue a job after a transient fault, with capped exponential backoff; False once its
    kind's retries are spent (the caller then fails it)."""
    kind = get_kind(job.kind)
    if not isinstance(exc, kind.retry_on) or job.attempts >= kind.max_retries:
        return False
    requeued = Job.objects.filter(id=job.id, state=JobState.RUNNING).update(
        state=JobState.QUEUED, attempts=job.attempts + 1, message=f"retrying after {exc}"[:500]
    )
    if requeued:
        job.refresh_from_db()
        enqueue(job, countdown=min(2.0**job.attempts, 60.0))
    return bool(requeued)


def mark_cancelled(job: Job) -> None:
    Job.objects.filter(id=job.id).exclude(state__in=FINISHED_STATES).update(
        state=JobState.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    send_now(job.project_id, "job.progress", _event(job))


def claim(job_id: str) -> Job | None:
    """Move a queued job to running; None if another worker has it or it was cancelled."""
    now = timezone.now()
    claimed = Job.objects.filter(id=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now, progress=0.0
    )
    return Job.objects.get(id=job_id) if claimed else None


def _event(job: Job) -> dict[str, Any]:
    return {
        "job": str(job.id),
        "kind": job.kind,
        "state": job.state,
        "progress": job.progress,
        "message": job.message,
    }


class ProgressReporter:
    """Writes progress at most every ``interval`` seconds, so a tight loop does not flood SQL."""

    def __init__(self, job: Job, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        now = time.monotonic()
        if now - self._last < self.interval and fraction < 1.0:
            return
        self._last = now
        self.job.progress = fraction
        self.job.message = message[:500]
        Job.objects.filter(id=self.job.id, state=JobState.RUNNING).update(
            progress=fraction, message=self.job.message, heartbeat_at=timezone.now()
        )
        send_now(self.job.project_id, "job.progress", _event(self.job))


def finish(job: Job, result: dict[str, Any] | None) -> None:
    Job.objects.filter(id=job.id, state=JobState.RUNNING).update(
        state=JobState.SUCCEEDED, progress=1.0, result=result or {}, finished_at=timezone.now()
    )
    job.refresh_from_db()
    send_now(job.project_id, "job.progress", _event(job))


def fail(job: Job, exc: BaseException) -> None:
    report = getattr(exc, "report", None)
    error = {
        "type": type(exc).__name__,
        "detail": str(exc),
        "problems": report if isinstance(report, list) else [],
    }
    if not isinstance(exc, DomainError) and report is None:
        error["traceback"] = traceback.format_exception(exc)[-5:]
    Job.objects.filter(id=job.id).exclude(state__in=FINISHED_STATES).update(
        state=JobState.FAILED, error=error, finished_at=timezone.now()
    )
    job.refresh_from_db()
    send_now(job.project_id, "job.progress", _event(job))


def cancel(job: Job) -> Job:
    """Cancel a queued job at once; ask a running one of a cancellable kind to stop (it ends
    ``cancelled`` at its next step)."""
    updated = Job.objects.filter(id=job.id, state=JobState.QUEUED).update(
        state=JobState.CANCELLED, finished_at=timezone.now()
    )
    if not updated and _cancellable_running(job.kind):
        updated = Job.objects.filter(id=job.id, state=JobState.RUNNING).update(
            cancel_requested=True, message="cancelling"
        )
    if not updated:
        job.refresh_from_db()
        raise DomainError(
            "not_cancellable",
            f"The job is {job.state}; only queued jobs can be cancelled.",
            status_code=409,
        )
    job.refresh_from_db()
    send_now(job.project_id, "job.progress", _event(job))
    return job


def _cancellable_running(kind: str) -> bool:
    try:
        return get_kind(kind).cancellable_running
    except KeyError:
        return False


def fail_stale(older_than: timedelta) -> int:
    """Fail running jobs whose worker stopped sending heartbeats (it died)."""
    cutoff = timezone.now() - older_than
    return Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff).update(
        state=JobState.FAILED,
        error={"type": "WorkerLost", "detail": "The worker stopped reporting progress."},
        finished_at=timezone.now(),
    )
