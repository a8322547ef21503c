"""Importing layers from EAF, segment CSV, frame CSV and EmotionML files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import User
from rest_framework import status

from annotations.affect.formats.csv import read_frames_csv, read_segments_csv
from annotations.affect.formats.eaf import read_eaf
from annotations.affect.formats.emotionml import read_emotionml
from annotations.affect.model import Layer
from annotations.affect.schema import ValidationError
from annotations.affect_api.services.common import invalid
from annotations.affect_api.services.layers import own_layer, validate_layer, write_layer
from annotations.affect_api.services.schema import project_schema
from annotations.affect_api.services.videos import get_video, video_fps
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id

MAX_IMPORT_BYTES: Final = 50 * 1024**2
IMPORT_FORMATS: Final = ("eaf", "csv", "frames.csv", "emotionml")


@dataclass(frozen=True)
class ImportResult:
    created: list[Doc]
    updated: list[Doc]


def import_layers(
    user: User,
    project: Project,
    video_id: str,
    fmt: str,
    data: bytes,
    *,
    annotator: str | None = None,
    kind: str = "coder",
) -> ImportResult:
    """Read layers from an EAF, segment CSV, EmotionML (segments and valence/arousal traces) or
    (one annotator's) frame CSV and store them.

    All or nothing: every layer is read and validated before the first write. An annotator who
    already has a layer of that kind on the video gets it replaced by a new version (its history
    keeps the old one); layer ids in the file are not trusted.
    """
    if fmt not in IMPORT_FORMATS:
        raise DomainError(
            "invalid", f"format must be one of {', '.join(IMPORT_FORMATS)}.", field="format"
        )
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(
            "too_large",
            f"The file is {len(data)} bytes; the limit is {MAX_IMPORT_BYTES} bytes.",
            field="file",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    video = get_video(project, video_id)
    duration = int(video["duration_ms"])
    try:
        if fmt == "eaf":
            layers = read_eaf(data, video_id=video_id, duration_ms=duration)
        elif fmt == "csv":
            layers = read_segments_csv(data, video_id=video_id, duration_ms=duration)
        elif fmt == "emotionml":
            parsed = read_emotionml(
                data,
                fps=video_fps(video),
                n_frames=int(video["frame_count"]),
                schema=project_schema(project),
            )
            if annotator and len(parsed) > 1:
                raise DomainError(
                    "invalid",
                    f"The file holds {len(parsed)} annotators; import it without naming one.",
                    field="annotator",
                )
            layers = [
                Layer(video_id, video_id, annotator or who, segments=segments, traces=traces)
                for who, (segments, traces) in parsed.items()
            ]
        else:
            if not annotator:
                raise DomainError(
                    "invalid", "A frames.csv holds one annotator's frames: name them.",
                    field="annotator",
                )  # fmt: skip
            layer = read_frames_csv(
                data,
                fps=video_fps(video),
                layer_id=video_id,
                video_id=video_id,
                annotator=annotator,
                n_frames=int(video["frame_count"]),
            )
            layers = [layer]
    except ValidationError as exc:
        raise invalid(exc) from None
    except UnicodeDecodeError:
        raise DomainError("invalid", "The file is not UTF-8 text.", field="file") from None
    if not layers:
        raise DomainError("invalid", "The file holds no annotations.", field="file")
    schema = project_schema(project)
    pending: list[tuple[Layer, Doc | None]] = []
    for layer in layers:
        current = own_layer(project, video_id, layer.annotator, kind)
        layer.kind = kind  # type: ignore[assignment]  # validated below
        layer.layer_id = str(current["_id"]) if current else new_id()
        validate_layer(layer, video, schema)
        pending.append((layer, current))
    created: list[Doc] = []
    updated: list[Doc] = []
    for layer, current in pending:
        doc = write_layer(user, project, layer, current)
        (created if current is None else updated).append(doc)
    return ImportResult(created, updated)
