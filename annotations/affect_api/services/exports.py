"""One video's layers written out as segment CSV, frame CSV, EAF, EmotionML or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from annotations.affect.formats.csv import write_frames_csv, write_segments_csv
from annotations.affect.formats.eaf import write_eaf
from annotations.affect.formats.emotionml import write_emotionml
from annotations.affect.model import Layer
from annotations.affect.schema import ValidationError
from annotations.affect_api.services.common import invalid
from annotations.affect_api.services.layers import list_layers, load_layer
from annotations.affect_api.services.videos import get_video, video_fps
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project

EXPORT_FORMATS: Final = ("csv", "frames.csv", "eaf", "emotionml", "json")


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    chunks: Iterator[str] | Iterator[bytes]


def export(
    project: Project,
    video_id: str,
    fmt: str,
    media_url: str,
    layer_id: str | None = None,
) -> Export:
    """One video's layers in ``fmt``; ``frames.csv`` is one layer (``layer_id``)."""
    if fmt not in EXPORT_FORMATS:
        raise DomainError(
            "invalid", f"format must be one of {', '.join(EXPORT_FORMATS)}.", field="format"
        )
    video = get_video(project, video_id)
    docs = list_layers(project, video_id)
    if layer_id is not None:
        docs = [d for d in docs if d["_id"] == layer_id]
        if not docs:
            raise DomainError("not_found", f"No layer with id {layer_id}.", status_code=404)
    layers = [load_layer(project, d) for d in docs]
    stem = Path(str(video["filename"])).stem or video_id
    try:
        if fmt == "csv":
            return Export(f"{stem}.segments.csv", "text/csv", write_segments_csv(layers))
        if fmt == "frames.csv":
            if layer_id is None:
                raise DomainError(
                    "invalid", "frames.csv exports one layer: name it with layer.", field="layer"
                )
            rows = write_frames_csv(layers[0], video_fps(video), int(video["frame_count"]))
            return Export(f"{stem}.{layers[0].annotator}.frames.csv", "text/csv", rows)
        if fmt == "eaf":
            data = write_eaf(layers, media_url=media_url, media_mime=str(video["content_type"]))
            return Export(f"{stem}.eaf", "application/xml", iter([data]))
        if fmt == "emotionml":
            data = write_emotionml(layers, media_uri=media_url)
            return Export(f"{stem}.emotionml", "application/xml", iter([data]))
    except ValidationError as exc:
        raise invalid(exc) from None
    body = {"video": video_id, "layers": [load_layer_json(layer) for layer in layers]}
    return Export(f"{stem}.affect.json", "application/json", iter([json.dumps(body)]))


def load_layer_json(layer: Layer) -> dict[str, Any]:
    return {**layer.to_doc(), "traces": {n: t.to_doc() for n, t in layer.traces.items()}}
