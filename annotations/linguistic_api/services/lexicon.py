"""Lexicon entries: reads and versioned writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from pymongo import ASCENDING

from annotations.linguistic.model import LexicalEntry
from annotations.linguistic_api import documents
from annotations.linguistic_api.services.common import MongoList, _check, normalize_entry
from annotations.linguistic_api.services.events import _event
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id


def list_entries(project: Project) -> MongoList:
    return MongoList(
        documents.lexicon, project, {}, [("created_at", ASCENDING), ("_id", ASCENDING)]
    )


def get_entry(project: Project, entry_id: str) -> Doc:
    return documents.lexicon.get(project.pk, entry_id)


def create_entry(user: User, project: Project, body: Mapping[str, Any]) -> Doc:
    doc_id = new_id()
    doc = {**normalize_entry(body, doc_id), "_id": doc_id}
    saved = documents.lexicon.insert(project.pk, doc, user.username)
    _event(project, "linguistic.entry.created", saved)
    return saved


def replace_entry(
    user: User, project: Project, entry_id: str, version: int, body: Mapping[str, Any]
) -> Doc:
    current = get_entry(project, entry_id)
    doc = normalize_entry(body, str(current.get("id") or entry_id))
    saved = documents.lexicon.update(
        project.pk, entry_id, version, doc, user.username, replace=True, check=_check("entry")
    )
    _event(project, "linguistic.entry.updated", saved)
    return saved


def _lexicon_entries(project: Project) -> list[LexicalEntry]:
    return [LexicalEntry.from_doc(doc) for doc in documents.lexicon.find(project.pk, {})]
