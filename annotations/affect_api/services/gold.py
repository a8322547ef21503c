"""Adjudication: a manager's gold layer built from the coder layers of a video."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User

from annotations.affect.adjudication import Assignment, by_coder, majority_vote
from annotations.affect.schema import ValidationError
from annotations.affect_api.services.common import invalid
from annotations.affect_api.services.layers import (
    coder_layers,
    own_layer,
    validate_layer,
    write_layer,
)
from annotations.affect_api.services.schema import project_schema
from annotations.affect_api.services.videos import get_video, video_fps
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id


def build_gold(
    user: User,
    project: Project,
    video_id: str,
    method: str,
    *,
    tie_break: str | None = None,
    assignments: list[Mapping[str, Any]] | None = None,
    aus: list[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Doc, bool]:
    """Build the caller's gold layer of a video from its coder layers (majority vote, or by
    coder per time range); an existing one is replaced by a new version. Returns the layer and
    whether it was created."""
    video = get_video(project, video_id)
    coders = coder_layers(project, video_id)
    if not coders:
        raise DomainError(
            "invalid", "This video has no coder layers to adjudicate.", field="method"
        )
    current = own_layer(project, video_id, user.username, "gold")
    layer_id = str(current["_id"]) if current else new_id()
    schema = project_schema(project)
    try:
        if method == "majority":
            gold = majority_vote(
                coders,
                video_fps(video),
                int(video["frame_count"]),
                layer_id=layer_id,
                annotator=user.username,
                aus=aus,
                tie_break=tie_break,
                schema=schema,
            )
        else:
            if not assignments:
                raise DomainError(
                    "invalid", "Say which coder to take for which time range.",
                    field="assignments",
                )  # fmt: skip
            ranges = [
                Assignment(int(a["t0_ms"]), int(a["t1_ms"]), str(a["annotator"]))
                for a in assignments
            ]
            gold = by_coder(coders, ranges, layer_id=layer_id, annotator=user.username)
    except ValidationError as exc:
        raise invalid(exc) from None
    validate_layer(gold, video, schema)
    return write_layer(user, project, gold, current, expected_version), current is None
