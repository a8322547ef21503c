"""Coders' decisions on the suggestions of a machine layer: accept, edit or reject."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from django.contrib.auth.models import User
from rest_framework import status

from annotations.affect.model import Event, Segment
from annotations.affect_api import documents, face_documents
from annotations.affect_api.services.layers import (
    create_layer,
    get_layer,
    list_layers,
    update_layer,
)
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.projects.models import Project, Role
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc

DECISIONS: Final = ("accept", "reject", "edit")


def _machine_layers(project: Project, video_id: str) -> list[Doc]:
    return [d for d in list_layers(project, video_id) if d.get("kind") == "model"]


def _event_key(event: Event) -> str:
    return f"{event.au}@{event.onset_ms}-{event.offset_ms}"


def _segment_key(segment: Segment) -> str:
    return f"emotion@{segment.t0_ms}-{segment.t1_ms}"


def suggestions(project: Project, video_id: str, annotator: str) -> list[dict[str, Any]]:
    """Every suggested event and emotion segment of the video's machine layers, with the
    model's probability and this coder's decision on it (``pending`` when none)."""
    out: list[dict[str, Any]] = []
    for doc in _machine_layers(project, video_id):
        decided = {
            d["key"]: d["decision"]
            for d in face_documents.face_suggestions().find(
                {"project": project.pk, "layer_id": doc["_id"], "annotator": annotator}
            )
        }
        prov = doc.get("model", {})
        event_p = list(prov.get("event_probability", []))
        segment_p = list(prov.get("segment_probability", []))
        for i, e in enumerate(doc.get("events", [])):
            event = Event.from_doc(e)
            key = _event_key(event)
            out.append(
                {
                    "layer": doc["_id"],
                    "key": key,
                    "kind": "event",
                    "event": event.to_doc(),
                    "probability": event_p[i] if i < len(event_p) else None,
                    "model": prov.get("name"),
                    "status": decided.get(key, "pending"),
                }
            )
        for i, s in enumerate(doc.get("segments", [])):
            segment = Segment.from_doc(s)
            key = _segment_key(segment)
            out.append(
                {
                    "layer": doc["_id"],
                    "key": key,
                    "kind": "segment",
                    "segment": segment.to_doc(),
                    "probability": segment_p[i] if i < len(segment_p) else None,
                    "model": prov.get("name"),
                    "status": decided.get(key, "pending"),
                }
            )
    out.sort(key=lambda s: (s.get("event", s.get("segment", {})).get("onset_ms",
             s.get("segment", {}).get("t0_ms", 0)), s["key"]))  # fmt: skip
    return out


def decide(
    user: User,
    role: Role | None,
    project: Project,
    video_id: str,
    layer_id: str,
    key: str,
    decision: str,
    edited: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Accept (copy into the coder's own layer), edit (copy the coder's corrected version) or
    reject a suggestion. The decision is the coder's own: each coder reviews for their layer."""
    if decision not in DECISIONS:
        raise DomainError("invalid", f"decision must be one of {', '.join(DECISIONS)}.",
                          field="decision")  # fmt: skip
    layer_doc = get_layer(project, video_id, layer_id)
    if layer_doc.get("kind") != "model":
        raise DomainError("invalid", "Only a machine layer has suggestions.", field="layer")
    match = [s for s in suggestions(project, video_id, user.username)
             if s["layer"] == layer_id and s["key"] == key]  # fmt: skip
    if not match:
        raise DomainError("not_found", f"No suggestion {key!r} in this layer.", status_code=404)
    suggestion = match[0]
    if suggestion["status"] != "pending":
        raise DomainError(
            "already_decided",
            f"You already {suggestion['status']}ed this suggestion.",
            status_code=status.HTTP_409_CONFLICT,
        )
    target = None
    if decision in ("accept", "edit"):
        item = dict(suggestion["event"] if suggestion["kind"] == "event" else suggestion["segment"])
        if decision == "edit":
            if not edited:
                raise DomainError("invalid", "An edit needs the corrected item.", field="item")
            item.update({k: v for k, v in edited.items() if k in item})
        target = _add_to_own_layer(user, role, project, video_id, suggestion["kind"], item)
    face_documents.face_suggestions().insert_one(
        {
            "project": project.pk,
            "video_id": video_id,
            "layer_id": layer_id,
            "key": key,
            "annotator": user.username,
            "decision": {"accept": "accepted", "reject": "rejected", "edit": "edited"}[decision],
            "at": datetime.now(UTC),
        }
    )
    broadcast(
        project.pk,
        "affect.suggestion.decided",
        {"video": video_id, "layer": layer_id, "key": key, "decision": decision,
         "target_layer": target},
    )  # fmt: skip
    return {"key": key, "decision": decision, "target_layer": target}


def _add_to_own_layer(
    user: User, role: Role | None, project: Project, video_id: str, kind: str, item: dict[str, Any]
) -> str:
    own = documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": user.username, "kind": "coder"}
    )
    field = "events" if kind == "event" else "segments"
    if own is None:
        doc = create_layer(user, role, project, video_id, {field: [item]})
        return str(doc["_id"])
    items = [*own.get(field, []), item]
    try:
        doc = update_layer(
            user, role, project, video_id, str(own["_id"]), int(own["version"]), {
                "segments": own.get("segments", []), "events": own.get("events", []), field: items}
        )  # fmt: skip
    except Conflict:
        raise
    return str(doc["_id"])
