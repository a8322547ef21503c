"""The events a write broadcasts after commit, carrying documents as REST serves them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pymongo import ASCENDING

from annotations.linguistic_api import documents
from annotations.linguistic_api.services.common import _as_served
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast


def _event(project: Project, kind: str, doc: Mapping[str, Any], origin: str = "") -> None:
    payload = {"id": doc["_id"], "version": doc.get("version")}
    if "text" in doc:  # an utterance: say which text, so an open editor knows it is concerned
        payload["text"] = doc["text"]
    # The document as the REST API shows it, so an open editor applies it without a request.
    payload["data"] = _as_served(kind, doc)
    broadcast(project.pk, kind, payload, origin)


# A bulk change (a gloss replaced everywhere, links made, machine labels filled in) carries the
# documents it wrote, as REST serves them, up to this many; beyond, ``documents_omitted`` tells
# the editors to reload what they show (one event of thousands of utterances helps nobody).
BULK_EVENT_DOCUMENTS = 200


def _bulk_event(
    project: Project, kind: str, noun: str, ids: Collection[str], extra: Mapping[str, Any]
) -> None:
    """One event for a bulk write of the ``noun`` documents ``ids``: their current state."""
    payload: dict[str, Any] = dict(extra)
    if len(ids) <= BULK_EVENT_DOCUMENTS:
        store = {"text": documents.texts, "utterance": documents.utterances,
                 "entry": documents.lexicon}[noun]  # fmt: skip
        found = store.find(project.pk, {"_id": {"$in": list(ids)}}, sort=[("_id", ASCENDING)])
        payload["documents"] = [
            {"id": doc["_id"], "version": doc["version"], **({"text": doc["text"]} if "text" in doc
             else {}), "data": _as_served(f"linguistic.{noun}", doc)}
            for doc in found
        ]  # fmt: skip
    else:
        payload["documents_omitted"] = True
    broadcast(project.pk, kind, payload)
