"""Job kinds register a handler here; the Celery task looks it up by ``Job.kind``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fieldmark.jobs.models import Job


class Progress(Protocol):
    def __call__(self, fraction: float, message: str = "") -> None: ...


Handler = Callable[[Job, Progress], dict[str, Any] | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    queue: str = "default"


_kinds: dict[str, JobKind] = {}


def job_kind(name: str, *, queue: str = "default") -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress) -> result`` as the implementation of job kind ``name``.

    Handlers must be idempotent: a worker that dies mid-job leaves it to be run again.
    """

    def register(handler: Handler) -> Handler:
        _kinds[name] = JobKind(name, handler, queue)
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
