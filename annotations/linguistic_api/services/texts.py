"""Texts and their utterances: reads and versioned writes, one event after each commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from pymongo import ASCENDING

from annotations.linguistic_api import concordance, documents
from annotations.linguistic_api.services.common import (
    TEXT_FIELDS,
    MongoList,
    _check,
    _only,
    normalize_utterance,
)
from annotations.linguistic_api.services.events import _event
from fieldmark.api.parsers import INT64_MAX
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, new_id


class TextList(MongoList):
    """Texts with ``utterance_count`` (kept on the text by every write of its utterances; texts
    stored before that get it counted once here)."""

    def __getitem__(self, index: slice) -> list[Doc]:
        page = super().__getitem__(index)
        for doc in page:
            doc["utterance_count"] = utterance_count(self.project_id, doc)
        return page


def utterance_count(project_id: int, text: Doc) -> int:
    """The text's ``utterance_count``, counted and kept once for a text stored before it was."""
    if "utterance_count" not in text:
        text["utterance_count"] = documents.utterances.collection.count_documents(
            {"project": project_id, "text": text["_id"]}
        )
        documents.texts.collection.update_one(
            {"_id": text["_id"]}, {"$set": {"utterance_count": text["utterance_count"]}}
        )
    return int(text["utterance_count"])


def list_texts(project: Project) -> MongoList:
    return TextList(documents.texts, project, {}, [("created_at", ASCENDING), ("_id", ASCENDING)])


def get_text(project: Project, text_id: str) -> Doc:
    return documents.texts.get(project.pk, text_id)


def create_text(user: User, project: Project, body: Mapping[str, Any]) -> Doc:
    fields = {**_only(body, TEXT_FIELDS), "utterance_count": 0}
    doc = documents.texts.insert(project.pk, fields, user.username)
    _event(project, "linguistic.text.created", doc)
    return doc


def update_text(
    user: User, project: Project, text_id: str, version: int, changes: Mapping[str, Any]
) -> Doc:
    doc = documents.texts.update(
        project.pk, text_id, version, _only(changes, TEXT_FIELDS), user.username,
        check=_check("text"),
    )  # fmt: skip
    _event(project, "linguistic.text.updated", doc)
    return doc


def delete_text(user: User, project: Project, text_id: str, version: int) -> None:
    """Delete a text and its utterances (the version check guards the text document)."""
    documents.texts.delete(project.pk, text_id, version, user.username)
    documents.utterances.collection.delete_many({"project": project.pk, "text": text_id})
    concordance.remove_text(project.pk, text_id)
    broadcast(project.pk, "linguistic.text.deleted", {"id": text_id})


def list_utterances(project: Project, text_id: str) -> MongoList:
    """The text's utterances in order, counted by the text's ``utterance_count``."""
    total = utterance_count(project.pk, get_text(project, text_id))
    sort = [("order", ASCENDING)]
    return MongoList(documents.utterances, project, {"text": text_id}, sort, total)


def get_utterance(project: Project, utterance_id: str) -> Doc:
    return documents.utterances.get(project.pk, utterance_id)


def create_utterance(user: User, project: Project, text_id: str, body: Mapping[str, Any]) -> Doc:
    """Append an utterance to a text (or place it at ``order``)."""
    get_text(project, text_id)
    order = body.get("order")
    if order is None:
        last = documents.utterances.collection.find_one(
            {"project": project.pk, "text": text_id}, sort=[("order", -1)]
        )
        order = int(last["order"]) + 1 if last else 0
    doc_id = new_id()
    doc = normalize_utterance(body, order=order, uid=doc_id)
    doc.update(_id=doc_id, text=text_id)
    saved = documents.utterances.insert(project.pk, doc, user.username)
    documents.texts.collection.update_one(
        {"_id": text_id, "project": project.pk}, {"$inc": {"utterance_count": 1}}
    )
    concordance.update(project.pk, None, saved)
    _event(project, "linguistic.utterance.created", saved)
    return saved


def replace_utterance(
    user: User, project: Project, utterance_id: str, version: int, body: Mapping[str, Any]
) -> Doc:
    current = get_utterance(project, utterance_id)
    order = body.get("order", current["order"])
    doc = normalize_utterance(body, order=order, uid=str(current.get("id") or utterance_id))
    doc.update(text=current["text"])
    if "import_job" in current:
        doc["import_job"] = current["import_job"]
    saved = documents.utterances.update(
        project.pk, utterance_id, version, doc, user.username, replace=True, current=current,
        check=_check("utterance"),
    )  # fmt: skip
    concordance.update(project.pk, current, saved)
    _event(project, "linguistic.utterance.updated", saved)
    return saved


def utterance_history(project: Project, utterance_id: str) -> list[Doc]:
    get_utterance(project, utterance_id)
    return documents.utterances.history(project.pk, utterance_id)


def utterance_version(project: Project, utterance_id: str, version: int) -> Doc:
    get_utterance(project, utterance_id)
    # Past 64 bits no version exists, and BSON could not even ask: the same 404.
    return documents.utterances.version(project.pk, utterance_id, min(version, INT64_MAX))


def revert_utterance(
    user: User, project: Project, utterance_id: str, to_version: int, version: int
) -> Doc:
    current = get_utterance(project, utterance_id)
    saved = documents.utterances.revert(
        project.pk, utterance_id, to_version, version, user.username
    )
    concordance.update(project.pk, current, saved)
    _event(project, "linguistic.utterance.updated", saved)
    return saved
