"""Serving: the active model of a task, cached in this process and reloaded as soon as another
version is active (one indexed SQL read per request notices it, in every process), suggestions
for stored or posted utterances, and the active-learning queue."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from mlworkers import artifacts, external, registry
from mlworkers.models import ModelVersion, Source, VersionStatus
from mlworkers.tasks_registry import get_task

MAX_TOP_K = 10
MAX_WORDS = 500
QUEUE_SCAN = 5000  # utterances read at most to rank the active-learning queue

_lock = threading.Lock()
# (project id, task) -> (version identity, model)
_cache: dict[tuple[int, str], tuple[str, Any]] = {}


class ServingError(DomainError):
    """An external model server failed while serving (the request was fine)."""

    status_code = 424


def version_folder(version: ModelVersion) -> Path:
    """A local folder holding a stored version's files."""
    return artifacts.local_folder(version.artifact, list(version.summary.get("files", [])))


def load_version(version: ModelVersion) -> Any:
    """The model object of a version (not cached: evaluation and comparisons)."""
    if version.source == Source.EXTERNAL:
        return external.ExternalModel(
            version.task, version.external_url, version.external_token, version.external_timeout
        )
    return get_task(version.task).load(version_folder(version))


def active_model(project: Project, task: str) -> tuple[ModelVersion, Any]:
    handler = get_task(task)
    if not handler.serves_igt:
        raise DomainError("unknown_task", f"{task} models do not serve suggestions.", field="task")
    version = registry.active_version(project, task)
    if version is None:
        raise DomainError(
            "no_active_model",
            f"The project has no active {task} model: train or import one and activate it.",
            field="task",
            status_code=409,
        )
    key = (project.pk, task)
    # Ids alone could repeat after a database restore; the artifact or URL does not.
    identity = f"{version.pk}:{version.artifact or version.external_url}:{version.created_at}"
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == identity:
            return version, cached[1]
    model = load_version(version)
    with _lock:
        _cache[key] = (identity, model)
    return version, model


def forget(project_id: int | None = None) -> None:
    with _lock:
        for key in [k for k in _cache if project_id is None or k[0] == project_id]:
            del _cache[key]


def version_info(version: ModelVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "kind": version.kind,
        "task": version.task,
        "status": version.status,
    }


def posted_utterance(body: Mapping[str, Any]) -> Any:
    """An utterance from a request: ``words`` ([{form, morphemes: [form, ...]}]) or
    ``morphemes`` (the morphemes of one word), with an optional ``translation``."""
    from mlworkers.core.data import Morph, Utterance, Word

    words_in: list[Any]
    if body.get("words") is not None:
        words_in = list(body["words"])
    elif body.get("morphemes") is not None:
        forms = [str(m) for m in body["morphemes"]]
        words_in = [{"form": "".join(forms), "morphemes": forms}]
    else:
        raise DomainError("invalid", "Send an utterance id, words or morphemes.", field="utterance")
    if not words_in or len(words_in) > MAX_WORDS:
        raise DomainError("invalid", f"Send 1 to {MAX_WORDS} words.", field="words")
    words = []
    for index, word in enumerate(words_in):
        if not isinstance(word, Mapping) or not str(word.get("form", "")).strip():
            raise DomainError("invalid", "Each word needs a form.", field=f"words.{index}.form")
        morphs = tuple(Morph(form=str(m)) for m in word.get("morphemes") or [])
        words.append(Word(form=str(word["form"]), morphemes=morphs))
    return Utterance(id="posted", words=tuple(words), translation=str(body.get("translation", "")))


def suggest(project: Project, task: str, body: Mapping[str, Any], top_k: int = 3) -> dict[str, Any]:
    """Top-k labels with probabilities for a stored utterance (``utterance``: its id) or for
    posted words or morphemes, from the active model of ``task``."""
    if not 1 <= top_k <= MAX_TOP_K:
        raise DomainError("invalid", f"top_k must be 1 to {MAX_TOP_K}.", field="top_k")
    version, model = active_model(project, task)
    if body.get("utterance"):
        from annotations.linguistic_api import services as linguistic
        from mlworkers.linguistic import as_core

        utterance = as_core(linguistic.get_utterance(project, str(body["utterance"])))
    else:
        utterance = posted_utterance(body)
    prediction = predict(model, [utterance], top_k)[0]
    return {"task": task, "version": version_info(version), "prediction": prediction}


def predict(model: Any, utterances: Sequence[Any], top_k: int) -> list[dict[str, Any]]:
    try:
        return list(model.predict(list(utterances), top_k=top_k))
    except external.ExternalModelError as exc:
        raise ServingError("external_model_error", str(exc), field="version") from exc


UNCERTAINTY = ("confidence", "margin")


def margin(prediction: Mapping[str, Any]) -> float:
    """Mean gap between the first and second label over an utterance's slots (1.0 when a slot
    has a single candidate): small where the model hesitates between two labels."""
    gaps: list[float] = []
    for word in prediction.get("words", []):
        ranked_lists = [m.get("labels", []) for m in word.get("morphemes", [])]
        if word.get("labels"):
            ranked_lists.append(word["labels"])
        if word.get("segmentations"):
            ranked_lists.append(word["segmentations"])
        for labels in ranked_lists:
            if labels:
                second = float(labels[1]["p"]) if len(labels) > 1 else 0.0
                gaps.append(float(labels[0]["p"]) - second)
    return sum(gaps) / len(gaps) if gaps else 1.0


def uncertain(
    project: Project, task: str, limit: int = 20, by: str = "confidence"
) -> dict[str, Any]:
    """The "gloss next" queue: utterances the active model is least sure of, among those with
    something left to label. ``by`` is ``confidence`` (lowest mean top-1 probability) or
    ``margin`` (smallest mean gap between the first two labels). The corpus is read as a
    stream and at most ``QUEUE_SCAN`` open utterances are scored."""
    from itertools import islice

    from mlworkers.linguistic import iter_utterances, labelled

    if not 1 <= limit <= 200:
        raise DomainError("invalid", "limit must be 1 to 200.", field="limit")
    if by not in UNCERTAINTY:
        raise DomainError("invalid", "by must be confidence or margin.", field="by")
    version, model = active_model(project, task)
    open_items = (u for u in iter_utterances(project) if _open_slots(task, u))
    ranked: list[dict[str, Any]] = []
    scanned = 0
    top_k = 2 if by == "margin" else 1
    while scanned < QUEUE_SCAN and (
        batch := list(islice(open_items, min(200, QUEUE_SCAN - scanned)))
    ):
        scanned += len(batch)
        for utterance, prediction in zip(batch, predict(model, batch, top_k), strict=True):
            ranked.append(
                {
                    "utterance": utterance.id,
                    "confidence": float(prediction["confidence"]),
                    "margin": margin(prediction),
                    "words": len(utterance.words),
                    "labelled": labelled(task, utterance),
                    "open": _open_slots(task, utterance),
                    "transcription": " ".join(w.form for w in utterance.words),
                }
            )
    ranked.sort(key=lambda r: (r[by], r["utterance"]))
    top = ranked[:limit]
    from annotations.linguistic_api import documents

    places = {
        doc["_id"]: doc
        for doc in documents.utterances.collection.find(
            {"_id": {"$in": [r["utterance"] for r in top]}, "project": project.pk},
            {"text": 1, "order": 1},
        )
    }
    for row in top:
        place = places.get(row["utterance"], {})
        row["text"], row["order"] = place.get("text"), place.get("order")
    return {
        "task": task,
        "by": by,
        "version": version_info(version),
        "results": top,
        "scanned": scanned,
    }


def _open_slots(task: str, utterance: Any) -> int:
    """How many labels of ``task`` are still empty."""
    total = 0
    for word in utterance.words:
        if task == "gloss":
            total += (
                sum(1 for m in word.morphemes if not m.gloss)
                if word.morphemes
                else int(not word.gloss)
            )
        elif task == "pos":
            total += int(not word.pos) + sum(1 for m in word.morphemes if not m.pos)
        else:
            total += int(not word.morphemes)
    return total


def is_active(version: ModelVersion) -> bool:
    return version.status == VersionStatus.ACTIVE
