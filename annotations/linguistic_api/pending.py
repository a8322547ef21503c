"""Imports that have not committed yet, and the filter that keeps readers off their documents.

An import writes its utterances and postings under texts whose ids its ``import_stages``
document lists until it commits (:mod:`annotations.linguistic_api.staging`). Every reader that
scans a project's utterances or postings leaves those texts out through :func:`visible` or
:func:`pending_texts`. Kept apart from ``staging`` so that ``concordance`` can use it.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from fieldmark.storage import mongo

STAGES = "import_stages"
mongo.register_indexes(STAGES, [IndexModel([("project", ASCENDING)])])


def stages() -> Collection[dict[str, Any]]:
    return mongo.collection(STAGES)


def pending_texts(project_id: int) -> frozenset[str]:
    """Ids of the texts of the project's imports that have not committed (usually none)."""
    found: set[str] = set()
    for stage in stages().find({"project": project_id}, {"texts": 1}):
        found.update(stage.get("texts", ()))
    return frozenset(found)


def committed(project_id: int) -> dict[str, Any]:
    """The extra condition that leaves out pending imports' utterances (or postings): empty when
    no import is running, so the usual query is unchanged."""
    pending = pending_texts(project_id)
    return {"text": {"$nin": sorted(pending)}} if pending else {}


def visible(project_id: int) -> dict[str, Any]:
    """The filter of a project's committed utterances or postings."""
    return {"project": project_id, **committed(project_id)}
