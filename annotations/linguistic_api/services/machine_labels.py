"""Machine labels (mlworkers) accepted into empty slots."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from annotations.linguistic import provenance
from annotations.linguistic_api import documents
from annotations.linguistic_api.services.events import _bulk_event
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc


@dataclass(frozen=True)
class Label:
    """One label for one slot: ``morpheme`` None means the word's own field."""

    word: int
    morpheme: int | None
    field: str  # "gloss", "pos", or "morphemes" (a segmentation such as ``x-tok``)
    value: str
    # Where a machine label came from (``annotations.linguistic.provenance.Entry``), if known.
    source: Mapping[str, Any] | None = None


def _cut(segmentation: str) -> list[dict[str, str]]:
    """``x-tok=ab`` as morphemes: forms, each after the first with the separator before it."""
    pieces = re.split(r"([-=])", segmentation)
    out = [{"form": pieces[0]}]
    for sep, form in zip(pieces[1::2], pieces[2::2], strict=True):
        out.append({"form": form, "sep": sep})
    return [m for m in out if m["form"]]


def fill_empty_labels(
    user: User, project: Project, labels: Mapping[str, list[Label]], *, expect: Mapping[str, int]
) -> dict[str, list[Label]]:
    """Write accepted machine labels into utterances, each only where the slot is still empty
    (what a person typed is never overwritten), with the version check, history and postings
    of every write. ``expect`` maps an utterance id to the version the labels were made for;
    one changed since is skipped. Returns the labels written per utterance."""
    docs = {
        doc["_id"]: doc
        for doc in documents.utterances.find(project.pk, {"_id": {"$in": list(labels)}})
    }
    changes: dict[str, tuple[Doc, Doc]] = {}
    applied: dict[str, list[Label]] = {}
    for utterance_id, wanted in labels.items():
        doc = docs.get(utterance_id)
        if doc is None or (utterance_id in expect and doc["version"] != expect[utterance_id]):
            continue
        words = [{**w, "morphemes": [dict(m) for m in w.get("morphemes", [])]}
                 for w in doc.get("words", [])]  # fmt: skip
        done = []
        for label in wanted:
            if label.field not in ("gloss", "pos", "morphemes") or label.word >= len(words):
                continue
            word = words[label.word]
            if label.field == "morphemes":
                # A segmentation (``x-tok``) for a word nobody has cut yet.
                if label.morpheme is None and not word["morphemes"] and label.value:
                    word["morphemes"] = _cut(label.value)
                    done.append(label)
                continue
            if label.morpheme is None:
                slot = word
            elif label.morpheme < len(word["morphemes"]):
                slot = word["morphemes"][label.morpheme]
            else:
                continue
            if not slot.get(label.field):
                slot[label.field] = label.value
                done.append(label)
        if done:
            provenance.stamp_labels(words, done, user.username)
            for word in words:
                if not word["morphemes"]:
                    del word["morphemes"]
            changes[utterance_id] = (doc, {"words": words})
            applied[utterance_id] = done
    written = documents.bulk_update(documents.utterances, project.pk, changes, user.username)
    if written != len(changes):  # some changed between the read and the write
        current = {
            d["_id"]: d["version"]
            for d in documents.utterances.collection.find(
                {"_id": {"$in": list(changes)}}, {"version": 1}
            )
        }
        applied = {k: v for k, v in applied.items()
                   if current.get(k) == changes[k][0]["version"] + 1}  # fmt: skip
    if applied:
        texts = sorted({str(docs[k]["text"]) for k in applied})
        _bulk_event(project, "linguistic.glossing.replaced", "utterance", list(applied),
                    {"utterances": len(applied), "texts": texts})  # fmt: skip
    return applied
