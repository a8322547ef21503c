"""The table of trainable tasks: what the registry, training jobs and schedules know of a task.

The registry is generic over task names. The linguistic tasks (``gloss``, ``pos``,
``segment``) register themselves in :mod:`mlworkers.linguistic`; another app (face coding's
AU or emotion models) registers its own :class:`TaskHandler` with :func:`register_task` in its
``AppConfig.ready`` and gets runs, versions, activation, schedules and the API for free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project


class Item(Protocol):
    """One training example (an utterance, a video segment): an id and the version it had."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


class TrainedModel(Protocol):
    task: str
    kind: str

    def save(self, directory: Path) -> None: ...


ProgressFn = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class TaskHandler:
    """How one task is trained, scored, stored and loaded. Every callable is Django-free except
    ``load_items``, which reads the project's corpus (lazily: callers that only count or filter
    never hold every item at once). ``train(kind, items, params, progress=,
    should_stop=, device=)`` raises ``fieldmark.jobs.services.JobCancelled`` once
    ``should_stop()`` is true (checked between steps)."""

    name: str
    kinds: Callable[[], tuple[str, ...]]
    check_params: Callable[[str, Mapping[str, Any]], dict[str, Any]]
    load_items: Callable[[Project], Iterable[Any]]
    labelled: Callable[[Any], int]
    snapshot_hash: Callable[[Sequence[Any]], str]
    counts: Callable[[Sequence[Any]], dict[str, int]]
    train: Callable[..., Any]
    evaluate: Callable[[Any, Sequence[Any]], dict[str, Any]]
    load: Callable[[Path], Any]
    learning_curve: Callable[..., list[dict[str, float]]] | None = None
    gpu_kinds: frozenset[str] = field(default_factory=frozenset)
    # Which metric decides "better" when a schedule auto-activates a new version.
    primary_metric: str = "word_accuracy"
    # Whether the suggestions endpoint and pre-annotation serve this task (IGT fields).
    serves_igt: bool = False
    # The items in whatever order the store reads fastest, for a request that only counts
    # (``load_items`` is used where this is absent).
    scan_items: Callable[[Project], Iterable[Any]] | None = None


_tasks: dict[str, TaskHandler] = {}


def register_task(handler: TaskHandler) -> None:
    _tasks[handler.name] = handler


def get_task(name: str) -> TaskHandler:
    try:
        return _tasks[name]
    except KeyError:
        known = ", ".join(sorted(_tasks)) or "none"
        raise DomainError(
            "unknown_task", f"No task {name!r}; known tasks: {known}.", field="task"
        ) from None


def known_tasks() -> list[str]:
    return sorted(_tasks)


def check_kind(handler: TaskHandler, kind: str) -> None:
    kinds = handler.kinds()
    if kind not in kinds:
        raise DomainError(
            "unknown_kind",
            f"No model kind {kind!r} for {handler.name}; choose one of {', '.join(kinds)}.",
            field="kind",
        )


def checked_params(handler: TaskHandler, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The task's own parameter check, turned into a 400 that names the parameter."""
    check_kind(handler, kind)
    try:
        return handler.check_params(kind, params)
    except ValueError as exc:
        raise DomainError("invalid_params", str(exc), field="params") from exc
