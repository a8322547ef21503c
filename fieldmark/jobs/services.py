"""Starting, claiming, reporting and finishing jobs."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import FINISHED_STATES, Job, JobState
from fieldmark.jobs.registry import AFTER_LOSS, get_kind
from fieldmark.projects.models import Project
from fieldmark.realtime.events import send_now

MAX_ERROR_DETAIL = 2000
MAX_PROBLEMS = 1000

logger = logging.getLogger(__name__)


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
    count_against_user: bool = True,
) -> Job:
    """Create a job row and enqueue it once the surrounding transaction commits.

    ``queue`` overrides the kind's queue (training picks ``gpu`` only for models that use one).
    A user may have ``FIELDMARK_MAX_ACTIVE_JOBS_PER_USER`` jobs queued or running at once (a 429
    past that), so that no one, a stranger reading a public project included, can fill the
    queue; jobs the platform starts on a user's behalf (a transcode after an upload) pass
    ``count_against_user=False``.
    """
    try:
        job_kind = get_kind(kind)
    except KeyError:
        raise DomainError("unknown_job_kind", f"No job kind {kind!r}.", field="kind") from None
    if user is not None and count_against_user:
        _check_active_jobs(user)
    job = Job.objects.create(
        project=project,
        kind=kind,
        params=params,
        created_by=user,
        queue=resolve_queue(queue or job_kind.queue),
    )
    transaction.on_commit(lambda: enqueue(job))
    return job


def _check_active_jobs(user: User) -> None:
    limit = settings.FIELDMARK_MAX_ACTIVE_JOBS_PER_USER
    active = Job.objects.filter(
        created_by=user, state__in=(JobState.QUEUED, JobState.RUNNING)
    ).count()
    if active >= limit:
        raise DomainError(
            "too_many_jobs",
            f"You have {active} jobs queued or running (at most {limit} at once): wait for one "
            "to finish or cancel one.",
            status_code=429,
        )


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
    # Every viewer of the project may read a job's error: the traceback goes to the log only
    # (run_job logs it), and the detail is bounded (a reader's message can quote a 40 MB line).
    report = getattr(exc, "report", None)
    error = {
        "type": type(exc).__name__,
        "detail": str(exc)[:MAX_ERROR_DETAIL],
        "problems": report[:MAX_PROBLEMS] if isinstance(report, list) else [],
    }
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


def fail_lost(job: Job, cause: str, *, stale_before: Any = None) -> bool:
    """Fail a running job whose worker died, after undoing what it wrote (its kind's
    ``cleanup``), so a failed job never shows half its work; the error says ``cause`` and what
    the kind left. False if the job was not running (it finished, or another sweep has it).
    ``stale_before``: only if its heartbeat is older."""
    mine = Job.objects.filter(id=job.id, state=JobState.RUNNING)
    if stale_before is not None:
        mine = mine.filter(heartbeat_at__lt=stale_before)
    # Taking it: a fresh heartbeat keeps other sweeps off while the cleanup runs.
    if not mine.update(heartbeat_at=timezone.now(), message="worker lost: cleaning up"):
        return False
    job.refresh_from_db()
    clean_up(job)
    try:
        left = get_kind(job.kind).after_loss
    except KeyError:
        left = AFTER_LOSS
    detail = f"{cause}; {left} Start it again."
    Job.objects.filter(id=job.id, state=JobState.RUNNING).update(
        state=JobState.FAILED,
        error={"type": "WorkerLost", "detail": detail, "problems": []},
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    send_now(job.project_id, "job.progress", _event(job))
    return True


def clean_up(job: Job) -> None:
    """Run the kind's cleanup; a failure is logged (the next sweep does not retry it)."""
    try:
        get_kind(job.kind).cleanup(job)
    except KeyError:
        logger.warning("job %s has unknown kind %s; nothing cleaned up", job.id, job.kind)
    except Exception:
        logger.exception("cleanup of job %s (%s) failed", job.id, job.kind)


def fail_stale(older_than: timedelta) -> int:
    """Fail running jobs whose worker stopped sending heartbeats (it died with its process,
    or lost the database), and clean up after each. Beat runs this every minute."""
    cutoff = timezone.now() - older_than
    seconds = int(older_than.total_seconds())
    cause = (
        f"The worker running this job stopped for over {seconds} s (it was killed or lost its "
        "connection)"
    )
    stale = list(Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff))
    return sum(fail_lost(job, cause, stale_before=cutoff) for job in stale)


class Heartbeat:
    """While a handler runs, a thread stamps ``heartbeat_at`` every ``interval`` seconds, so a
    job that reports no progress for a while (a long commit, a model's epoch) is not taken for
    dead, and one whose process died is found by the sweep within ``FIELDMARK_JOB_STALE_SECONDS``.
    """

    def __init__(self, job: Job, interval: float | None = None) -> None:
        self.job_id = job.id
        self.interval = interval or float(settings.FIELDMARK_JOB_HEARTBEAT_SECONDS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job.id}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                close_old_connections()
                Job.objects.filter(id=self.job_id, state=JobState.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:
            logger.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
