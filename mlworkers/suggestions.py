"""Pre-annotation and what people do with machine suggestions.

Pre-annotation stores, for every EMPTY gloss or POS slot, the active model's top labels with
provenance (model version, probability) in ``ml_suggestions``; it never writes an utterance.
Accepting (one, or in bulk above a threshold) writes the label into the utterance through the
versioned linguistic service, only where the slot is still empty; each accept or reject is a
``SuggestionFeedback`` row, from which the acceptance rate per version is computed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q
from pymongo import ReplaceOne

from annotations.linguistic_api import services as linguistic
from annotations.linguistic_api.services import events as linguistic_events
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from mlworkers import serving
from mlworkers.documents import suggestions as collection
from mlworkers.models import ModelVersion, SuggestionFeedback
from mlworkers.tasks_registry import get_task

FIELDS = {"gloss": "gloss", "pos": "pos", "segment": "morphemes"}


def doc_id(task: str, utterance_id: str) -> str:
    return f"{task}:{utterance_id}"


def start_preannotation(user: User, project: Project, task: str, text: str | None = None) -> Job:
    if task not in FIELDS:
        raise DomainError(
            "unknown_task",
            "Pre-annotation fills gloss, pos or segment suggestions.",
            field="task",
        )
    version, _model = serving.active_model(project, task)
    if text:
        linguistic.get_text(project, text)
    return start_job(
        user, project, "ml.preannotate", {"task": task, "text": text or None, "version": version.pk}
    )


def _empty_slots(task: str, doc: Mapping[str, Any]) -> Iterator[tuple[int, int | None]]:
    field = FIELDS[task]
    if task == "segment":
        # A word nobody has cut into morphemes yet (punctuation has nothing to cut).
        for w, word in enumerate(doc.get("words", [])):
            if not word.get("morphemes") and any(ch.isalnum() for ch in word.get("form", "")):
                yield w, None
        return
    for w, word in enumerate(doc.get("words", [])):
        morphemes = word.get("morphemes", [])
        if (task == "pos" or not morphemes) and not word.get(field):
            yield w, None
        for m, morph in enumerate(morphemes):
            if not morph.get(field):
                yield w, m


def joined(segmentation: Mapping[str, Any]) -> str:
    """``x-tok``: the morph forms with their separators, as people type a segmentation."""
    forms, boundaries = segmentation["morphemes"], segmentation["boundaries"]
    pairs = enumerate(zip(forms, boundaries, strict=True))
    return "".join((b or "-") + f if i else f for i, (f, b) in pairs)


def _labels(
    prediction: Mapping[str, Any], word: int, morpheme: int | None, task: str = "gloss"
) -> list[Any]:
    words = prediction.get("words", [])
    if word >= len(words):
        return []
    if task == "segment":
        # The suggestion is the cut: analyses that cut alike (glossed differently) add up.
        cuts: dict[str, dict[str, Any]] = {}
        for seg in words[word].get("segmentations", []):
            cut = cuts.setdefault(
                joined(seg), {"label": joined(seg), "p": 0.0, "glosses": list(seg["glosses"])}
            )
            # (capped: analyses summing to 1 may come out a hair above it in floating point)
            cut["p"] = min(1.0, cut["p"] + float(seg["p"]))
        return sorted(cuts.values(), key=lambda c: -c["p"])
    if morpheme is None:
        return list(words[word].get("labels", []))
    morphs = words[word].get("morphemes", [])
    return list(morphs[morpheme].get("labels", [])) if morpheme < len(morphs) else []


def preannotate(
    project: Project,
    task: str,
    text: str | None,
    version_id: int,
    progress: Callable[[float, str], None],
    run: str | None = None,
) -> dict[str, int]:
    """Suggestions for the empty slots of a text or the whole project, from the version that
    was active when the job started (if it is still active; else the job fails clearly).
    ``run`` (the job's id) is kept with them: an accepted label's provenance names it."""
    from mlworkers.linguistic import as_core, text_counts, utterance_docs

    version, model = serving.active_model(project, task)
    if version.pk != version_id:
        raise DomainError(
            "version_changed", "Another model version was activated; start again.", field="task"
        )
    # Text by text in order windows, the total from the texts' counts: one query (or count)
    # over a 100k-utterance text outlasts the client's heartbeat on the embedded store.
    total = sum(n or 0 for _, n in text_counts(project.pk, text))
    cursor = utterance_docs(project.pk, text)
    done = made = 0
    shown: list[dict[str, Any]] = []  # what the event carries (one past the limit: too many)
    now = datetime.now(UTC)
    # A worker killed between two batches leaves the batches written whole (one replace per
    # utterance, with the decisions it carried), the rest as the last run left them.
    while batch := list(islice(cursor, settings.FIELDMARK_SUGGESTION_BATCH)):
        wanted = [doc for doc in batch if any(True for _ in _empty_slots(task, doc))]
        predictions = serving.predict(model, [as_core(d) for d in wanted], 3) if wanted else []
        previous = {
            d["_id"]: d
            for d in collection().find({"_id": {"$in": [doc_id(task, d["_id"]) for d in wanted]}})
        }
        ops = []
        for doc, prediction in zip(wanted, predictions, strict=True):
            key = doc_id(task, doc["_id"])
            decided = [
                i for i in previous.get(key, {}).get("items", []) if i["status"] != "pending"
            ]
            taken = {(i["word"], i["morpheme"]) for i in decided}
            items = list(decided)
            for w, m in _empty_slots(task, doc):
                labels = _labels(prediction, w, m, task)
                if not labels or (w, m) in taken:
                    continue
                items.append(
                    {
                        "word": w,
                        "morpheme": m,
                        "field": FIELDS[task],
                        "label": str(labels[0]["label"]),
                        "p": float(labels[0]["p"]),
                        "labels": labels,
                        "status": "pending",
                    }
                )
                made += 1
            stored = {
                "_id": key,
                "project": project.pk,
                "text": doc["text"],
                "utterance": doc["_id"],
                "utterance_version": doc["version"],
                "task": task,
                "version": version.pk,
                "version_number": version.number,
                "run": run,
                "created_at": now,
                "items": items,
            }
            ops.append(ReplaceOne({"_id": key}, stored, upsert=True))
            if len(shown) <= linguistic_events.BULK_EVENT_DOCUMENTS:
                shown.append(stored)
        if ops:
            collection().bulk_write(ops, ordered=False)
        done += len(batch)
        total = max(total, done)
        progress(done / max(total, 1), f"{done} of {total} utterances, {made} suggestions")
    payload: dict[str, Any] = {"task": task, "text": text, "count": made}
    if len(shown) <= linguistic_events.BULK_EVENT_DOCUMENTS:
        # As GET .../texts/<id>/suggestions/ serves them, so an open editor shows them at once.
        from mlworkers.serializers import StoredSuggestionSerializer

        payload["documents"] = [
            {"id": doc["_id"], "utterance": doc["utterance"],
             "data": dict(StoredSuggestionSerializer(doc).data)}
            for doc in shown
        ]  # fmt: skip
    else:
        payload["documents_omitted"] = True
    broadcast(project.pk, "ml.suggestions.created", payload)
    return {"utterances": done, "suggestions": made, "version": version.pk}


def for_text(project: Project, text: str, task: str | None = None) -> list[dict[str, Any]]:
    """The stored suggestions of a text's utterances (what the editor shows). The task is
    picked here: with it in the filter no index of ``ml_suggestions`` matches, and the embedded
    store would scan every project's suggestions."""
    linguistic.get_text(project, text)
    query: dict[str, Any] = {"project": project.pk, "text": text}
    return [
        {
            "utterance": d["utterance"],
            "task": d["task"],
            "version": d["version"],
            "version_number": d["version_number"],
            "utterance_version": d["utterance_version"],
            "items": d["items"],
        }
        for d in collection().find(query)
        if not task or d["task"] == task
    ]


def source(version: ModelVersion, p: float, run: str | None) -> dict[str, Any]:
    """The provenance of a label from ``version`` (``annotations.linguistic.provenance``)."""
    return {
        "task": version.task,
        "model": version.pk,
        "model_name": version.name or version.kind,
        "version": version.number,
        "training_run": version.run_id,
        "run": run,
        "probability": p,
    }


def _version(project: Project, version_id: int) -> ModelVersion:
    version = ModelVersion.objects.filter(project=project, pk=version_id).first()
    if version is None:
        raise DomainError("invalid", "No model version with that id.", field="version")
    return version


def record(
    user: User,
    project: Project,
    body: Mapping[str, Any],
) -> dict[str, Any]:
    """One accept or reject. With ``apply`` an accepted label is also written into the
    utterance (where its slot is still empty); the editor instead fills the field itself and
    saves through the usual route."""
    version = _version(project, int(body["version"]))
    task, utterance = version.task, str(body["utterance"])
    word, morpheme = int(body["word"]), body.get("morpheme")
    field = str(body.get("field") or FIELDS.get(task, task))
    accepted, label, p = bool(body["accepted"]), str(body["label"]), float(body["p"])
    written = False
    if accepted and body.get("apply"):
        stored = collection().find_one({"_id": doc_id(task, utterance)}, {"run": 1}) or {}
        made = source(version, p, stored.get("run"))
        applied = linguistic.fill_empty_labels(
            user,
            project,
            {utterance: [linguistic.Label(word, morpheme, field, label, made)]},
            expect={},
        )
        if not applied:
            raise DomainError(
                "slot_taken",
                "That field is no longer empty; nothing was written.",
                field="utterance",
                status_code=409,
            )
        written = True
    _mark(task, utterance, [(word, morpheme)], "accepted" if accepted else "rejected", user)
    SuggestionFeedback.objects.create(
        project=project,
        version=version,
        utterance=utterance,
        word=word,
        morpheme=morpheme,
        field=field,
        label=label,
        p=p,
        accepted=accepted,
        user=user,
    )
    return {"accepted": accepted, "written": written}


def _mark(
    task: str, utterance: str, slots: list[tuple[int, int | None]], status: str, user: User
) -> None:
    doc = collection().find_one({"_id": doc_id(task, utterance)})
    if doc is None:
        return
    wanted = set(slots)
    items = [
        {**i, "status": status, "by": user.username}
        if (i["word"], i["morpheme"]) in wanted and i["status"] == "pending"
        else i
        for i in doc["items"]
    ]
    collection().update_one({"_id": doc["_id"]}, {"$set": {"items": items}})


def bulk_accept(
    user: User, project: Project, task: str, threshold: float, text: str | None = None
) -> dict[str, int]:
    """Accept every pending suggestion of ``task`` with p ≥ ``threshold`` (in a text or the
    project) whose slot is still empty; the rest stay pending."""
    get_task(task)
    if not 0.0 <= threshold <= 1.0:
        raise DomainError("invalid", "threshold must be between 0 and 1.", field="threshold")
    if text:
        linguistic.get_text(project, text)
    accepted = skipped = 0
    versions = {v.pk: v for v in ModelVersion.objects.filter(project=project, task=task)}
    for batch in _suggestion_windows(project, task, text):
        labels: dict[str, list[linguistic.Label]] = {}
        chosen: dict[str, list[dict[str, Any]]] = {}
        for doc in batch:
            picks = [i for i in doc["items"] if i["status"] == "pending" and i["p"] >= threshold]
            if picks:
                chosen[doc["utterance"]] = picks
                version = versions.get(doc["version"])
                labels[doc["utterance"]] = [
                    linguistic.Label(
                        i["word"], i["morpheme"], i["field"], i["label"],
                        source(version, float(i["p"]), doc.get("run")) if version else None,
                    )
                    for i in picks
                ]  # fmt: skip
        applied = linguistic.fill_empty_labels(user, project, labels, expect={})
        feedback = []
        by_utterance = {d["utterance"]: d for d in batch}
        for utterance, written in applied.items():
            slots = [(lab.word, lab.morpheme) for lab in written]
            doc = by_utterance[utterance]
            _mark(task, utterance, slots, "accepted", user)
            for item in chosen[utterance]:
                if (item["word"], item["morpheme"]) in slots:
                    feedback.append(
                        SuggestionFeedback(
                            project=project,
                            version_id=doc["version"],
                            utterance=utterance,
                            word=item["word"],
                            morpheme=item["morpheme"],
                            field=item["field"],
                            label=item["label"],
                            p=item["p"],
                            accepted=True,
                            user=user,
                        )
                    )
            accepted += len(written)
        skipped += sum(len(v) for v in labels.values()) - sum(len(v) for v in applied.values())
        SuggestionFeedback.objects.bulk_create(feedback)
    return {"accepted": accepted, "skipped": skipped}


def _suggestion_windows(
    project: Project, task: str, text: str | None
) -> Iterator[list[dict[str, Any]]]:
    """The suggestion documents of ``task`` in a text (or each text of the project), a window of
    utterances at a time: the utterances' ids from their ``(project, text, order)`` index, then
    their documents by ``_id``. A filter on project, text and task matches no index of
    ``ml_suggestions`` (the embedded store would scan the collection), and one query over a
    large text outlasts the client's heartbeat there. A suggestion whose utterance was deleted
    has no slot left to fill and is not read."""
    from annotations.linguistic_api import exports
    from mlworkers.linguistic import text_counts

    size = settings.FIELDMARK_SUGGESTION_BATCH
    for text_id, count in text_counts(project.pk, text):
        ids = exports.utterance_docs(project.pk, text_id, expected=count, projection={"_id": 1})
        while window := [doc_id(task, d["_id"]) for d in islice(ids, size)]:
            found = {d["_id"]: d for d in collection().find({"_id": {"$in": window}})}
            if batch := [found[key] for key in window if key in found]:
                yield batch


def acceptance(project: Project) -> dict[int, dict[str, Any]]:
    rows = (
        SuggestionFeedback.objects.filter(project=project)
        .values("version")
        .annotate(total=Count("id"), accepted=Count("id", filter=Q(accepted=True)))
    )
    return {
        r["version"]: {
            "total": r["total"],
            "accepted": r["accepted"],
            "rate": r["accepted"] / r["total"] if r["total"] else None,
        }
        for r in rows
    }
