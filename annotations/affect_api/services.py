"""Videos, annotation layers, agreement and exports of affect annotation in a project.

Views and jobs call these; each takes the caller's role as already checked by
:func:`fieldmark.projects.permissions.check` for the view's action, and applies the finer rules
here (only a layer's annotator or a manager may change it).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from rest_framework import status

from annotations.affect import media
from annotations.affect.agreement import agreement_report
from annotations.affect.formats.csv import write_frames_csv, write_segments_csv
from annotations.affect.formats.eaf import write_eaf
from annotations.affect.formats.emotionml import write_emotionml
from annotations.affect.model import Event, Layer, Segment, Trace
from annotations.affect.schema import DEFAULT_SCHEMA, ValidationError
from annotations.affect_api import documents
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.projects.models import Project, Role
from fieldmark.projects.permissions import RANK
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, new_id

MAX_VIDEO_BYTES: Final = 2 * 1024**3
STREAM_CHUNK_BYTES: Final = 256 * 1024
# FFmpeg demuxers of real video files. ``probe`` alone is not enough: FFmpeg reads any text file
# as ANSI art ("tty") and single images as one-frame videos.
VIDEO_CONTAINERS: Final = frozenset(
    {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpeg", "mpegts", "ogg", "flv", "asf"}
)
EXPORT_FORMATS: Final = ("csv", "frames.csv", "eaf", "emotionml", "json")


def _invalid(exc: ValidationError) -> DomainError:
    # The core names list items ``segments[0]``; the API's error shape uses ``segments.0``.
    where = re.sub(r"\[(\d+)\]", r".\1", exc.field)
    return DomainError("invalid", f"{where}: {exc.message}", field=where)


def _is_manager(role: Role | None) -> bool:
    return role is not None and RANK[role] >= RANK[Role.MANAGER]


# --- videos ----------------------------------------------------------------------------------


def _folder(project: Project, video_id: str) -> str:
    return f"videos/{project.pk}/{video_id}"


@contextlib.contextmanager
def local_path(name: str) -> Iterator[Path]:
    """A filesystem path for a stored file; non-local storages get a temporary copy."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / Path(name).name
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        yield target


def _delete_folder(names: list[str]) -> None:
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)


def check_upload_size(size: int | None) -> None:
    if size is not None and size > MAX_VIDEO_BYTES:
        raise DomainError(
            "too_large",
            f"The video is {size} bytes; the limit is {MAX_VIDEO_BYTES} bytes.",
            field="file",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )


def _content_type(container: str) -> str:
    if container.startswith("mov,mp4"):
        return "video/mp4"
    if container.startswith("matroska"):
        return "video/webm"
    return "application/octet-stream"


def upload_video(user: User, project: Project, upload: UploadedFile) -> Doc:
    """Store, probe and describe an uploaded video; a file that is not a video stores nothing."""
    check_upload_size(upload.size)
    video_id = new_id()
    folder = _folder(project, video_id)
    suffix = Path(upload.name or "").suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".bin"
    source = default_storage.save(f"{folder}/source{suffix}", upload)
    stored = [source]
    try:
        with local_path(source) as path:
            info = media.probe(path)
            if info.container not in VIDEO_CONTAINERS:
                raise media.MediaError(f"{path.name}: not a video file ({info.container})")
            jpeg = media.poster(path)
        poster = default_storage.save(f"{folder}/poster.jpg", ContentFile(jpeg))
        stored.append(poster)
    except media.MediaError as exc:
        _delete_folder(stored)
        message = str(exc).replace(Path(source).name, Path(upload.name or "file").name)
        raise DomainError("invalid_media", message, field="file") from None
    except BaseException:
        _delete_folder(stored)
        raise
    body = {
        "_id": video_id,
        "filename": Path(upload.name or "video").name,
        "content_type": _content_type(info.container),
        "size": default_storage.size(source),
        "storage_name": source,
        "poster_name": poster,
        "duration_ms": info.duration_ms,
        "fps": f"{info.fps.numerator}/{info.fps.denominator}",
        "frame_count": info.frame_count,
        "width": info.width,
        "height": info.height,
        "container": info.container,
        "brand": info.brand,
        "video_codec": info.video_codec,
        "pix_fmt": info.pix_fmt,
        "audio_codec": info.audio_codec,
        "needs_transcode": media.needs_transcode(info),
    }
    documents.videos.insert(project.pk, body, user.username)
    # Read back: Mongo keeps milliseconds, so the answer matches every later read.
    doc = documents.videos.get(project.pk, video_id)
    broadcast(project.pk, "video.created", {"video": video_id}, origin=user.username)
    return doc


def list_videos(project: Project) -> list[Doc]:
    return list(documents.videos.find(project.pk, sort=[("created_at", 1), ("_id", 1)]))


def get_video(project: Project, video_id: str) -> Doc:
    return documents.videos.get(project.pk, video_id)


def video_fps(video: Mapping[str, Any]) -> float:
    return float(Fraction(str(video["fps"])))


@dataclass(frozen=True)
class ByteRange:
    start: int
    stop: int  # exclusive

    @property
    def length(self) -> int:
        return self.stop - self.start


class RangeNotSatisfiable(Exception):
    """The Range header names no byte of the file."""


_RANGE: Final = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range asked for, ``None`` for the whole file.

    A header this server does not understand (other units, several ranges, bad syntax) is
    ignored, as RFC 9110 allows; a well-formed range outside the file raises
    :class:`RangeNotSatisfiable`.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable()
        return ByteRange(max(0, size - suffix), size)
    start = int(first)
    stop = size if not last else int(last) + 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable()
    return ByteRange(start, min(stop, size))


def read_bytes(name: str, byte_range: ByteRange) -> Iterator[bytes]:
    """The bytes of a stored file in the range, in chunks; the file is closed when done."""
    handle = default_storage.open(name, "rb")
    try:
        handle.seek(byte_range.start)
        left = byte_range.length
        while left > 0:
            chunk = handle.read(min(STREAM_CHUNK_BYTES, left))
            if not chunk:
                break
            left -= len(chunk)
            yield bytes(chunk)
    finally:
        handle.close()


# --- layers ----------------------------------------------------------------------------------


def _layer_from_input(
    layer_id: str, video_id: str, annotator: str, kind: str, data: Mapping[str, Any]
) -> Layer:
    traces = data.get("traces") or {}
    try:
        layer = Layer(
            layer_id=layer_id,
            video_id=video_id,
            annotator=annotator,
            kind=kind,  # type: ignore[arg-type]  # Layer.validate checks it
            segments=[Segment(**s) for s in data.get("segments", [])],
            events=[Event(**e) for e in data.get("events", [])],
            traces={name: Trace(name, float(t["fps"]), t["values"]) for name, t in traces.items()},
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    return layer


def _validate(layer: Layer, video: Mapping[str, Any]) -> None:
    try:
        layer.validate(DEFAULT_SCHEMA, duration_ms=int(video["duration_ms"]))
    except ValidationError as exc:
        raise _invalid(exc) from None


def _write_traces(project: Project, layer: Layer) -> None:
    buckets = documents.trace_buckets()
    buckets.delete_many({"layer_id": layer.layer_id})
    docs = [{**b.to_doc(), "project": project.pk} for b in layer.trace_buckets()]
    if docs:
        buckets.insert_many(docs)


def list_layers(project: Project, video_id: str) -> list[Doc]:
    get_video(project, video_id)
    query = {"video_id": video_id}
    return list(documents.layers.find(project.pk, query, sort=[("created_at", 1), ("_id", 1)]))


def get_layer(project: Project, video_id: str, layer_id: str) -> Doc:
    doc = documents.layers.get(project.pk, layer_id)
    if doc["video_id"] != video_id:
        raise DomainError("not_found", f"No layer with id {layer_id}.", status_code=404)
    return doc


def load_layer(project: Project, doc: Mapping[str, Any]) -> Layer:
    buckets = documents.trace_buckets().find(
        {"layer_id": doc["_id"], "project": project.pk}, sort=[("track", 1), ("bucket", 1)]
    )
    return Layer.from_doc(dict(doc), buckets)


def create_layer(
    user: User, role: Role | None, project: Project, video_id: str, data: Mapping[str, Any]
) -> Doc:
    """A coder layer belongs to its creator (one per video); gold/model layers need a manager."""
    video = get_video(project, video_id)
    kind = str(data.get("kind", "coder"))
    if kind != "coder" and not _is_manager(role):
        raise DomainError(
            "permission_denied",
            f"Only a manager may create a {kind} layer.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    existing = documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": user.username, "kind": kind}
    )
    if existing is not None:
        raise Conflict(
            "layer_exists",
            f"You already have a {kind} layer on this video; update that one.",
            extra={"current": existing},
        )
    layer = _layer_from_input(new_id(), video_id, user.username, kind, data)
    _validate(layer, video)
    documents.layers.insert(project.pk, {"_id": layer.layer_id, **layer.to_doc()}, user.username)
    _write_traces(project, layer)
    doc = documents.layers.get(project.pk, layer.layer_id)
    broadcast(
        project.pk,
        "affect.layer.created",
        {"video": video_id, "layer": layer.layer_id},
        origin=user.username,
    )
    return doc


def update_layer(
    user: User,
    role: Role | None,
    project: Project,
    video_id: str,
    layer_id: str,
    expected_version: int,
    data: Mapping[str, Any],
) -> Doc:
    """Replace a layer's annotations if it is still at ``expected_version``.

    Traces are replaced only when the body has ``traces``. Only the layer's annotator or a
    manager may write; a stale version gets a 409 with the current layer and writes nothing.
    """
    video = get_video(project, video_id)
    current = get_layer(project, video_id, layer_id)
    if current["annotator"] != user.username and not _is_manager(role):
        raise DomainError(
            "permission_denied",
            f"This layer belongs to {current['annotator']}; only they or a manager may change it.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if "traces" in data:
        traces = data
    else:
        kept = load_layer(project, current).traces
        traces = {"traces": {n: {"fps": t.fps, "values": t.values} for n, t in kept.items()}}
    layer = _layer_from_input(
        layer_id, video_id, current["annotator"], current["kind"], {**data, **traces}
    )
    _validate(layer, video)
    doc = documents.layers.update(
        project.pk, layer_id, expected_version, layer.to_doc(), user.username
    )
    if "traces" in data:
        _write_traces(project, layer)
    broadcast(
        project.pk,
        "affect.layer.updated",
        {"video": video_id, "layer": layer_id, "version": doc["version"]},
        origin=user.username,
    )
    return doc


def layer_history(project: Project, video_id: str, layer_id: str) -> list[Doc]:
    get_layer(project, video_id, layer_id)
    return documents.layers.history(project.pk, layer_id)


# --- agreement and exports -------------------------------------------------------------------


def _coder_layers(project: Project, video_id: str) -> list[Layer]:
    docs = [d for d in list_layers(project, video_id) if d.get("kind") == "coder"]
    return sorted((load_layer(project, d) for d in docs), key=lambda layer: layer.annotator)


def agreement(project: Project, video_id: str, aus: list[str] | None = None) -> dict[str, Any]:
    """:func:`agreement_report` over the coder layers of a video, ordered by annotator."""
    video = get_video(project, video_id)
    layers = _coder_layers(project, video_id)
    if len(layers) < 2:
        raise DomainError(
            "not_enough_layers",
            f"Agreement needs at least two coder layers; this video has {len(layers)}.",
        )
    if aus is not None:
        try:
            aus = [DEFAULT_SCHEMA.validate_au(au, field="aus") for au in aus]
        except ValidationError as exc:
            raise _invalid(exc) from None
    fps = video_fps(video)
    report = agreement_report(layers, fps, int(video["frame_count"]), aus, DEFAULT_SCHEMA)
    return {
        "video": video_id,
        "fps": fps,
        "n_frames": int(video["frame_count"]),
        "coders": [{"layer": layer.layer_id, "annotator": layer.annotator} for layer in layers],
        **report,
    }


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
        raise _invalid(exc) from None
    body = {"video": video_id, "layers": [load_layer_json(layer) for layer in layers]}
    return Export(f"{stem}.affect.json", "application/json", iter([json.dumps(body)]))


def load_layer_json(layer: Layer) -> dict[str, Any]:
    return {**layer.to_doc(), "traces": {n: t.to_doc() for n, t in layer.traces.items()}}
