"""Inter-coder agreement of one video's layers, and over a whole project."""

from __future__ import annotations

from typing import Any

from annotations.affect.agreement import VideoRatings, agreement_report, project_au_agreement
from annotations.affect.schema import AffectSchema, ValidationError
from annotations.affect_api.services.common import invalid
from annotations.affect_api.services.layers import coder_layers
from annotations.affect_api.services.schema import project_schema
from annotations.affect_api.services.videos import get_video, list_videos, video_fps
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc


def agreement(
    project: Project, video_id: str, aus: list[str] | None = None, machine: bool = False
) -> dict[str, Any]:
    """:func:`agreement_report` over the coder layers of a video, ordered by annotator; with
    ``machine`` the machine layers (``machine:<model>``) take part as coders too."""
    video = get_video(project, video_id)
    layers = coder_layers(project, video_id, ("coder", "model") if machine else ("coder",))
    if len(layers) < 2:
        raise DomainError(
            "not_enough_layers",
            f"Agreement needs at least two coder layers; this video has {len(layers)}.",
        )
    schema = project_schema(project)
    aus = _known_aus(schema, aus)
    fps = video_fps(video)
    report = agreement_report(layers, fps, int(video["frame_count"]), aus, schema)
    return {
        "video": video_id,
        "fps": fps,
        "n_frames": int(video["frame_count"]),
        "coders": [{"layer": layer.layer_id, "annotator": layer.annotator} for layer in layers],
        **report,
    }


def _known_aus(schema: AffectSchema, aus: list[str] | None) -> list[str] | None:
    if aus is None:
        return None
    try:
        return [schema.validate_au(au, field="aus") for au in aus]
    except ValidationError as exc:
        raise invalid(exc) from None


def project_agreement(
    project: Project, aus: list[str] | None = None, machine: bool = False
) -> dict[str, Any]:
    """AU agreement of every video with at least two coder layers, per video and pooled over
    all their frames (:func:`project_au_agreement`); ``machine`` counts machine layers too."""
    kinds = ("coder", "model") if machine else ("coder",)
    schema = project_schema(project)
    codes = _known_aus(schema, aus)
    videos: list[Doc] = []
    ratings: list[VideoRatings] = []
    for video in list_videos(project):
        layers = coder_layers(project, str(video["_id"]), kinds)
        if len(layers) >= 2:
            videos.append(video)
            ratings.append(VideoRatings(layers, video_fps(video), int(video["frame_count"])))
    report = project_au_agreement(ratings, codes, schema)
    for video, summary in zip(videos, report["videos"], strict=True):
        summary["video"] = video["_id"]
        summary["filename"] = video["filename"]
    return {"schema_version": schema.version, **report}
