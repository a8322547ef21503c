"""The interlinear tasks (gloss, POS, segmentation) in the task table, backed by
``mlworkers.core`` (imported lazily: the web process loads torch only when a model needs it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pymongo import ASCENDING

from fieldmark.projects.models import Project
from mlworkers.tasks_registry import TaskHandler, register_task

if TYPE_CHECKING:
    from mlworkers.core.data import Utterance

LINGUISTIC_TASKS = ("gloss", "pos", "segment")
BATCH = 500
PROJECTION = {"words": 1, "translations": 1, "version": 1, "id": 1, "text": 1, "order": 1}


def _kinds(task: str) -> tuple[str, ...]:
    from mlworkers.core import api

    return tuple(api.KINDS.get(task, ()))


def as_core(doc: Mapping[str, Any]) -> Utterance:
    """A stored utterance as the core's ``Utterance``, keyed by its storage ``_id`` (what writes
    and suggestions address)."""
    from mlworkers.core import data

    return data.from_document({**doc, "id": str(doc["_id"])})


def utterance_docs(project_id: int, text: str | None = None) -> Iterator[dict[str, Any]]:
    """The stored utterances of a text (or of every text of the project, by text id), in order,
    read in windows of ``order`` that the ``(project, text, order)`` index serves
    (``exports.utterance_docs``). One sorted query over a large project would make the embedded
    store gather and sort every utterance before answering: at 100k utterances it stops
    answering the client's heartbeat within the connect timeout, and the client cancels the
    operation in flight."""
    from annotations.linguistic_api import exports

    for text_id, count in text_counts(project_id, text):
        yield from exports.utterance_docs(
            project_id, text_id, expected=count, projection=PROJECTION
        )


def text_counts(project_id: int, text: str | None = None) -> list[tuple[str, int | None]]:
    """(id, utterance count) of the text (or of each text of the project), by id."""
    from annotations.linguistic_api import documents

    query = {"_id": text} if text else {}
    heads = documents.texts.find(
        project_id, query, projection={"utterance_count": 1}, sort=[("_id", ASCENDING)]
    )
    out: list[tuple[str, int | None]] = []
    for head in heads:
        count = head.get("utterance_count")
        out.append((str(head["_id"]), int(count) if isinstance(count, int) else None))
    return out


def iter_utterances(
    project: Project, query: Mapping[str, Any] | None = None, *, ordered: bool = True
) -> Iterator[Utterance]:
    """The project's utterances in text order (or the store's, unless ``ordered``), read a
    window or a batch at a time."""
    from annotations.linguistic_api import documents

    if ordered and not query:
        for doc in utterance_docs(project.pk):
            yield as_core(doc)
        return
    cursor = documents.utterances.collection.find(
        {**(query or {}), "project": project.pk},
        PROJECTION,
        sort=[("text", ASCENDING), ("order", ASCENDING)] if ordered else None,
        batch_size=BATCH,
    )
    for doc in cursor:
        yield as_core(doc)


def project_utterances(project: Project, query: Mapping[str, Any] | None = None) -> list[Utterance]:
    return list(iter_utterances(project, query))


def labelled(task: str, utterance: Any) -> int:
    """How many labels of ``task`` a person gave in the utterance."""
    total = 0
    for word in utterance.words:
        if task == "gloss":
            total += sum(1 for m in word.morphemes if m.gloss) or int(
                bool(word.gloss) and not word.morphemes
            )
        elif task == "pos":
            total += int(bool(word.pos)) + sum(1 for m in word.morphemes if m.pos)
        else:  # segment: a word whose morphemes are written down
            total += int(bool(word.morphemes))
    return total


def counts(items: Sequence[Any]) -> dict[str, int]:
    return {
        "utterances": len(items),
        "words": sum(len(u.words) for u in items),
        "morphemes": sum(len(w.morphemes) for u in items for w in u.words),
    }


def _handler(task: str) -> TaskHandler:
    def check_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from mlworkers.core import api

        return api.check_params(task, kind, params)

    def train(kind: str, items: Sequence[Any], params: Mapping[str, Any], **kw: Any) -> Any:
        from fieldmark.jobs.services import JobCancelled
        from mlworkers.core import api

        try:
            return api.train(task, kind, items, params, **kw)
        except api.TrainingCancelled as exc:
            raise JobCancelled() from exc

    def evaluate(model: Any, gold: Sequence[Any]) -> dict[str, Any]:
        from mlworkers.core import api

        return api.evaluate(model, gold)

    def load(directory: Path) -> Any:
        from mlworkers.core import api

        return api.load(directory)

    def curve(
        kind: str,
        items: Sequence[Any],
        dev: Sequence[Any],
        sizes: Sequence[float],
        params: Mapping[str, Any],
    ) -> list[dict[str, float]]:
        from mlworkers.core import api

        return api.learning_curve(task, kind, items, dev, sizes, params)

    def snapshot(items: Sequence[Any]) -> str:
        from mlworkers.core import data

        return data.snapshot_hash(items)

    return TaskHandler(
        name=task,
        kinds=lambda: _kinds(task),
        check_params=check_params,
        load_items=iter_utterances,
        scan_items=lambda project: iter_utterances(project, ordered=False),
        labelled=lambda item: labelled(task, item),
        snapshot_hash=snapshot,
        counts=counts,
        train=train,
        evaluate=evaluate,
        load=load,
        learning_curve=curve,
        gpu_kinds=frozenset({"transformer"}),
        serves_igt=True,
    )


for _task in LINGUISTIC_TASKS:
    register_task(_handler(_task))
