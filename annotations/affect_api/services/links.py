"""Links between a linguistic utterance and a time range of a video."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from rest_framework import status

from annotations.affect.schema import DEFAULT_SCHEMA, ValidationError
from annotations.affect_api import documents
from annotations.affect_api.services.common import invalid, is_manager
from annotations.affect_api.services.videos import get_video
from annotations.linguistic_api.documents import utterances
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project, Role
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc


def create_link(user: User, project: Project, data: Mapping[str, Any]) -> Doc:
    """Link a linguistic utterance to ``[t0_ms, t1_ms)`` of a video, inside its duration."""
    video_id, utterance_id = str(data["video"]), str(data["utterance"])
    video = documents.videos.collection.find_one({"_id": video_id, "project": project.pk})
    if video is None:
        raise DomainError("invalid", f"No video with id {video_id}.", field="video")
    utterance = utterances.collection.find_one({"_id": utterance_id, "project": project.pk})
    if utterance is None:
        raise DomainError("invalid", f"No utterance with id {utterance_id}.", field="utterance")
    t0, t1 = int(data["t0_ms"]), int(data["t1_ms"])
    try:
        DEFAULT_SCHEMA.validate_interval(t0, t1, int(video["duration_ms"]), field="t1_ms")
    except ValidationError as exc:
        raise invalid(exc) from None
    body = {
        "utterance": utterance_id,
        "video_id": video_id,
        "t0_ms": t0,
        "t1_ms": t1,
        "note": str(data.get("note", "")),
    }
    doc = documents.links.insert(project.pk, body, user.username)
    doc = _with_utterances(project, [documents.links.get(project.pk, str(doc["_id"]))])[0]
    from annotations.affect_api.serializers import LinkSerializer

    broadcast(
        project.pk,
        "affect.link.created",
        {"id": doc["_id"], "link": doc["_id"], "video": video_id, "utterance": utterance_id,
         "version": doc["version"], "data": dict(LinkSerializer(doc).data)},
    )  # fmt: skip
    return doc


def list_links(
    project: Project, video_id: str | None = None, utterance: str | None = None
) -> list[Doc]:
    query: dict[str, Any] = {}
    if video_id is not None:
        get_video(project, video_id)
        query["video_id"] = video_id
    if utterance is not None:
        query["utterance"] = utterance
    docs = list(documents.links.find(project.pk, query, sort=[("t0_ms", 1), ("_id", 1)]))
    return _with_utterances(project, docs)


def _with_utterances(project: Project, links: list[Doc]) -> list[Doc]:
    """Links with their utterance's text id, position and transcription, so a client can open
    the utterance in its text; an utterance deleted since has ``text`` None."""
    ids = sorted({str(link["utterance"]) for link in links})
    found = {
        doc["_id"]: doc
        for doc in utterances.collection.find(
            {"project": project.pk, "_id": {"$in": ids}},
            {"text": 1, "order": 1, "transcription": 1},
        )
    }
    out = []
    for link in links:
        utterance = found.get(str(link["utterance"]), {})
        out.append(
            {
                **link,
                "text": utterance.get("text"),
                "utterance_order": utterance.get("order"),
                "transcription": str(utterance.get("transcription", ""))[:200],
            }
        )
    return out


def delete_link(
    user: User, role: Role | None, project: Project, link_id: str, expected_version: int
) -> None:
    """Only the link's creator or a manager may delete it; a stale version is a 409."""
    current = documents.links.get(project.pk, link_id)
    if current["created_by"] != user.username and not is_manager(role):
        raise DomainError(
            "permission_denied",
            f"This link was made by {current['created_by']}; only they or a manager may delete it.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    documents.links.delete(project.pk, link_id, expected_version, user.username)
    broadcast(project.pk, "affect.link.deleted", {"id": link_id, "link": link_id})
