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


def _nothing_to_clean(job: Job) -> None:
    """Kinds whose effects need no undoing when they fail midway."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    queue: str = "default"
    cleanup: Cleanup = _nothing_to_clean


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str, *, queue: str = "default", cleanup: Cleanup | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress) -> result`` as the implementation of job kind ``name``.

    Handlers must be idempotent: a message may be delivered twice (the second claim does
    nothing). ``cleanup(job)`` removes what a run that never finished left behind; it is called
    when the job fails, also when its worker process died and the job is failed for it (by the
    worker's parent at once, or by the stale-job sweep), so it must work from the job row alone
    and be safe to call more than once.
    """

    def register(handler: Handler) -> Handler:
        _kinds[name] = JobKind(name, handler, queue, cleanup or _nothing_to_clean)
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
