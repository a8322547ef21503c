"""Job kinds register a handler here; the Celery task looks it up by ``Job.kind``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fieldmark.jobs.models import Job


class Progress(Protocol):
    def __call__(self, fraction: float, message: str = "") -> None: ...


Handler = Callable[[Job, Progress], dict[str, Any] | None]
Cleanup = Callable[[Job], None]
AFTER_LOSS = "what the job had written was removed."


def _nothing_to_clean(job: Job) -> None:
    """Kinds whose effects need no undoing when they fail midway."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    queue: str = "default"
    # Celery's soft limit raises SoftTimeLimitExceeded in the handler; the hard one kills it.
    soft_time_limit: float | None = None
    time_limit: float | None = None
    # Exceptions that mean "try again later" (a lost connection), never a user's bad input.
    retry_on: tuple[type[BaseException], ...] = ()
    max_retries: int = 3
    # Whether the handler polls ``Job.cancel_requested`` so that a running job can be cancelled.
    cancellable_running: bool = False
    # Removes what a job that did not finish wrote (called on failure and by the stale sweep).
    cleanup: Cleanup = _nothing_to_clean
    # What the failure of a job whose worker died tells its reader about what it left.
    after_loss: str = AFTER_LOSS


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    queue: str = "default",
    soft_time_limit: float | None = None,
    time_limit: float | None = None,
    retry_on: tuple[type[BaseException], ...] = (),
    max_retries: int = 3,
    cancellable_running: bool = False,
    cleanup: Cleanup | None = None,
    after_loss: str = AFTER_LOSS,
) -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress) -> result`` as the implementation of job kind ``name``.

    Handlers must be idempotent: a message may be delivered twice (the second claim does
    nothing). ``cleanup(job)`` removes what a run that never finished left behind; it is called
    when the job fails, also when its worker process died and the job is failed for it (by the
    worker's parent at once, or by the stale-job sweep), so it must work from the job row alone
    and be safe to call more than once. ``after_loss`` is what such a failure says the job
    left (a kind that keeps what it wrote says so).
    """

    def register(handler: Handler) -> Handler:
        _kinds[name] = JobKind(
            name,
            handler,
            queue,
            soft_time_limit=soft_time_limit,
            time_limit=time_limit,
            retry_on=retry_on,
            max_retries=max_retries,
            cancellable_running=cancellable_running,
            cleanup=cleanup or _nothing_to_clean,
            after_loss=after_loss,
        )
        return handler

    return register


def get_kind(name: str) -> JobKind:
    from django.utils.module_loading import autodiscover_modules

    if name not in _kinds:
        autodiscover_modules("jobs")
    return _kinds[name]


def known_kinds() -> list[str]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    return sorted(_kinds)
