"""History and revert of texts and lexicon entries (utterances have theirs in ``services``).

A revert makes a past version's content current again as a new version, refused (409) when made
against a stale version. A text keeps what belongs to its utterances (``utterance_count``) and
to its import when its metadata is reverted.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import User

from annotations.linguistic_api import documents
from annotations.linguistic_api.services import TEXT_FIELDS, get_entry, get_text
from annotations.linguistic_api.services.events import _event
from fieldmark.api.parsers import INT64_MAX
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import SYSTEM_FIELDS, Doc, VersionedStore

Kind = Literal["text", "entry"]


def _store(kind: Kind) -> VersionedStore:
    return documents.texts if kind == "text" else documents.lexicon


def _current(project: Project, kind: Kind, doc_id: str) -> Doc:
    return get_text(project, doc_id) if kind == "text" else get_entry(project, doc_id)


def history(project: Project, kind: Kind, doc_id: str) -> list[Doc]:
    _current(project, kind, doc_id)
    return _store(kind).history(project.pk, doc_id)


def version(project: Project, kind: Kind, doc_id: str, number: int) -> Doc:
    _current(project, kind, doc_id)
    return _store(kind).version(project.pk, doc_id, min(number, INT64_MAX))


def revert(
    user: User, project: Project, kind: Kind, doc_id: str, to_version: int, expected: int
) -> Doc:
    if kind == "entry":
        get_entry(project, doc_id)
        saved = documents.lexicon.revert(project.pk, doc_id, to_version, expected, user.username)
        _event(project, "linguistic.entry.updated", saved)
        return saved
    current = get_text(project, doc_id)
    old = documents.texts.version(project.pk, doc_id, to_version)
    kept = {k: v for k, v in current.items() if k not in TEXT_FIELDS and k not in SYSTEM_FIELDS}
    content = {**kept, **{k: old[k] for k in TEXT_FIELDS if k in old}}
    saved = documents.texts.update(
        project.pk, doc_id, expected, content, user.username, replace=True, merge=False
    )
    _event(project, "linguistic.text.updated", saved)
    return saved
