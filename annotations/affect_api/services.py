"""Videos, annotation layers, agreement and exports of affect annotation in a project.

Views and jobs call these; each takes the caller's role as already checked by
:func:`fieldmark.projects.permissions.check` for the view's action, and applies the finer rules
here (only a layer's annotator or a manager may change it).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Final, Protocol

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from pymongo.errors import DuplicateKeyError
from rest_framework import status

from annotations.affect import media
from annotations.affect.adjudication import Assignment, by_coder, majority_vote
from annotations.affect.agreement import VideoRatings, agreement_report, project_au_agreement
from annotations.affect.formats.csv import (
    read_frames_csv,
    read_segments_csv,
    write_frames_csv,
    write_segments_csv,
)
from annotations.affect.formats.eaf import read_eaf, write_eaf
from annotations.affect.formats.emotionml import read_emotionml, write_emotionml
from annotations.affect.model import Event, Layer, Segment, Trace
from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    DIMENSION_RANGE,
    DIMENSIONS,
    FACS_AUS,
    AffectSchema,
    ValidationError,
    emotion_preset,
    emotion_set,
    facs_action_unit,
)
from annotations.affect_api import documents
from annotations.linguistic_api.documents import utterances
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project, Role
from fieldmark.projects.permissions import RANK
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, new_id

MAX_VIDEO_BYTES: Final = 2 * 1024**3
MAX_CHUNKED_UPLOAD_BYTES: Final = 4 * 1024**3
MAX_IMPORT_BYTES: Final = 50 * 1024**2
STREAM_CHUNK_BYTES: Final = 256 * 1024
COPY_CHUNK_BYTES: Final = 1024 * 1024
TRANSCODE_JOB: Final = "affect.transcode"
MAX_THUMBNAILS: Final = 50
EXPORT_FORMATS: Final = ("csv", "frames.csv", "eaf", "emotionml", "json")
IMPORT_FORMATS: Final = ("eaf", "csv", "frames.csv", "emotionml")


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


def check_upload_size(size: int | None, limit: int = MAX_VIDEO_BYTES, field: str = "file") -> None:
    if size is not None and size > limit:
        raise DomainError(
            "too_large",
            f"The video is {size} bytes; the limit is {limit} bytes.",
            field=field,
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
    return _create_video(user, project, Path(upload.name or "video").name, upload)


def _create_video(user: User, project: Project, filename: str, content: File[Any]) -> Doc:
    """The one way a video comes in (direct or chunked upload): store, probe, poster, describe,
    and start a transcode when browsers cannot play it as it is."""
    video_id = new_id()
    folder = _folder(project, video_id)
    suffix = Path(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".bin"
    source = default_storage.save(f"{folder}/source{suffix}", content)
    stored = [source]
    try:
        with local_path(source) as path:
            info = media.probe(path)
            jpeg = media.poster(path)
        poster = default_storage.save(f"{folder}/poster.jpg", ContentFile(jpeg))
        stored.append(poster)
    except media.MediaError as exc:
        _delete_folder(stored)
        message = str(exc).replace(Path(source).name, filename)
        raise DomainError("invalid_media", message, field="file") from None
    except BaseException:
        _delete_folder(stored)
        raise
    body = {
        "_id": video_id,
        "filename": filename,
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
        "transcode_job": None,
        "h264_name": None,
        "h264_size": None,
    }
    try:
        # The job is enqueued when this block commits, so its worker finds the video document.
        with transaction.atomic():
            if body["needs_transcode"]:
                job = start_job(
                    user, project, TRANSCODE_JOB, {"video": video_id}, count_against_user=False
                )
                body["transcode_job"] = str(job.id)
            documents.videos.insert(project.pk, body, user.username)
    except BaseException:
        _delete_folder(stored)
        raise
    # Read back: Mongo keeps milliseconds, so the answer matches every later read.
    doc = documents.videos.get(project.pk, video_id)
    _video_event(project, "video.created", doc)
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


@dataclass(frozen=True)
class StoredVideo:
    """The file a stream request is answered from."""

    name: str
    size: int
    content_type: str
    etag: str


def stream_file(video: Mapping[str, Any], original: bool = False) -> StoredVideo:
    """The browser-playable H.264 copy when a transcode made one, else (or when asked) the
    uploaded original."""
    tag = f"{video['_id']}-{video['version']}"
    if video.get("h264_name") and not original:
        return StoredVideo(
            str(video["h264_name"]), int(video["h264_size"]), "video/mp4", f"{tag}-h264"
        )
    return StoredVideo(
        str(video["storage_name"]), int(video["size"]), str(video["content_type"]), tag
    )


class MediaProblem(DomainError):
    """A job could not use a video; ``report`` lists the problems for the job's error."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid_media", detail, field="file")
        self.report = [{"problem": detail}]


def transcode_video(
    project: Project, video_id: str, by: str, progress: Callable[[float], None]
) -> dict[str, Any]:
    """Write the H.264/AAC MP4 copy of a video and record it on the video document.

    Idempotent: a copy already recorded and present is kept, so a redelivered job does nothing.
    """
    video = get_video(project, video_id)
    recorded = video.get("h264_name")
    if recorded and default_storage.exists(str(recorded)):
        progress(1.0)
        return {"video": video_id, "h264_size": int(video["h264_size"])}
    target = f"{_folder(project, video_id)}/h264.mp4"
    with local_path(str(video["storage_name"])) as src, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "h264.mp4"
        try:
            media.transcode_h264(src, out, progress)
        except media.MediaError as exc:
            raise MediaProblem(str(exc).replace(src.name, str(video["filename"]))) from None
        if default_storage.exists(target):
            default_storage.delete(target)
        with out.open("rb") as handle:
            name = default_storage.save(target, File(handle, name="h264.mp4"))
    changes = {"h264_name": name, "h264_size": default_storage.size(name)}
    for _ in range(5):
        current = get_video(project, video_id)
        try:
            documents.videos.update(project.pk, video_id, int(current["version"]), changes, by)
            break
        except Conflict:
            continue
    else:  # pragma: no cover - five concurrent writers to one video document
        raise RuntimeError(f"video {video_id} kept changing; the H.264 copy was not recorded")
    _video_event(project, "video.updated", get_video(project, video_id))
    return {"video": video_id, "h264_size": changes["h264_size"]}


# --- resumable uploads -----------------------------------------------------------------------
#
# A chunked upload is a Mongo document (who, which file, how big) plus a ``.part`` file under
# MEDIA_ROOT/uploads/. The part file is the truth about the offset: a chunk that was cut off
# mid-way keeps the bytes that arrived, and the client resumes from the offset it reads back.


def _upload_dir(project: Project) -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads" / str(project.pk)


def _upload_path(project: Project, upload_id: str) -> Path:
    return _upload_dir(project) / f"{upload_id}.part"


def _get_upload(project: Project, upload_id: str) -> Doc:
    doc = documents.uploads().find_one({"_id": upload_id, "project": project.pk})
    if doc is None or not _upload_path(project, upload_id).is_file():
        raise DomainError("not_found", f"No upload with id {upload_id}.", status_code=404)
    return doc


def _upload_state(doc: Mapping[str, Any], offset: int) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "filename": doc["filename"],
        "size": doc["size"],
        "offset": offset,
        "created_by": doc["created_by"],
        "created_at": doc["created_at"],
    }


@contextlib.contextmanager
def _locked_part(project: Project, upload_id: str) -> Iterator[tuple[Doc, BinaryIO, int]]:
    """The upload, its part file open for writing and its offset, while no one else writes it."""
    doc = _get_upload(project, upload_id)
    with _upload_path(project, upload_id).open("r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            offset = os.fstat(handle.fileno()).st_size
            raise Conflict(
                "upload_busy",
                "Another request is writing this upload; try again when it has finished.",
                extra={"offset": offset},
            ) from None
        yield doc, handle, os.fstat(handle.fileno()).st_size


def create_upload(user: User, project: Project, filename: str, size: int) -> dict[str, Any]:
    """Announce a chunked upload of ``size`` bytes; the answer's ``id`` names it from then on."""
    check_upload_size(size, MAX_CHUNKED_UPLOAD_BYTES, field="size")
    upload_id = new_id()
    _upload_dir(project).mkdir(parents=True, exist_ok=True)
    _upload_path(project, upload_id).touch(exist_ok=False)
    doc = {
        "_id": upload_id,
        "project": project.pk,
        "filename": Path(filename).name or "video",
        "size": size,
        "created_by": user.username,
        "created_at": datetime.now(UTC).replace(microsecond=0),
    }
    documents.uploads().insert_one(doc)
    return _upload_state(doc, 0)


def upload_state(project: Project, upload_id: str) -> dict[str, Any]:
    doc = _get_upload(project, upload_id)
    return _upload_state(doc, _upload_path(project, upload_id).stat().st_size)


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def append_chunk(
    project: Project, upload_id: str, offset: int, length: int, body: Readable
) -> dict[str, Any]:
    """Write ``length`` bytes of ``body`` at ``offset``, which must be the upload's offset.

    A wrong offset is a 409 carrying the right one and writes nothing; a body that ends early
    keeps what arrived.
    """
    with _locked_part(project, upload_id) as (doc, handle, current):
        if offset != current:
            raise Conflict(
                "offset_mismatch",
                f"The upload is at byte {current}, not {offset}; send from byte {current}.",
                field="Upload-Offset",
                extra={"offset": current},
            )
        if current + length > int(doc["size"]):
            raise DomainError(
                "too_large",
                f"{length} bytes at byte {current} go beyond the announced size {doc['size']}.",
                field="file",
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        handle.seek(current)
        left = length
        while left > 0:
            chunk = body.read(min(COPY_CHUNK_BYTES, left))
            if not chunk:
                break
            handle.write(chunk)
            left -= len(chunk)
        handle.flush()
        return _upload_state(doc, handle.tell())


def cancel_upload(project: Project, upload_id: str) -> None:
    with _locked_part(project, upload_id):
        _upload_path(project, upload_id).unlink()
    documents.uploads().delete_one({"_id": upload_id, "project": project.pk})


class _PartFile(File):  # type: ignore[type-arg]  # not subscriptable at runtime
    # FileSystemStorage moves a file that has a temporary path instead of copying it.
    def __init__(self, handle: BinaryIO, path: Path) -> None:
        super().__init__(handle, name=path.name)
        self.path = path

    def temporary_file_path(self) -> str:
        return str(self.path)


def finish_upload(user: User, project: Project, upload_id: str) -> Doc:
    """Turn a complete upload into a video exactly as a direct upload would.

    An incomplete upload is a 400 naming ``file`` and stays to be resumed; a complete one that
    is no usable video is discarded. Either way no video is created.
    """
    path = _upload_path(project, upload_id)
    try:
        with _locked_part(project, upload_id) as (doc, _handle, offset):
            if offset != int(doc["size"]):
                raise DomainError(
                    "incomplete_upload",
                    f"{doc['filename']}: {offset} of {doc['size']} bytes have arrived; "
                    f"send the rest from byte {offset} before finishing.",
                    field="file",
                    extra={"offset": offset},
                )
            with path.open("rb") as part:
                return _create_video(user, project, str(doc["filename"]), _PartFile(part, path))
    finally:
        if not path.exists():
            documents.uploads().delete_one({"_id": upload_id, "project": project.pk})


# --- layers ----------------------------------------------------------------------------------


# A layer event carries the traces its write replaced up to this many values (a minute of 12 AU
# tracks at 30 fps is 21,600); beyond, ``traces_omitted`` tells an open workspace to fetch them,
# rather than pushing megabytes to every socket of the project.
MAX_EVENT_TRACE_VALUES = 100_000


def layer_event(
    project: Project, kind: str, doc: Mapping[str, Any], traces: Mapping[str, Trace] | None = None
) -> None:
    """Broadcast a layer write: the layer as GET .../layers/<id>/ serves it, with ``traces`` only
    when this write replaced them."""
    from annotations.affect_api.serializers import LayerDetailSerializer, LayerSerializer

    payload: dict[str, Any] = {"id": doc["_id"], "video": doc["video_id"], "layer": doc["_id"],
                               "version": doc["version"]}  # fmt: skip
    if traces is not None and sum(len(t.values) for t in traces.values()) <= MAX_EVENT_TRACE_VALUES:
        shown = {**doc, "traces": {name: trace.to_doc() for name, trace in traces.items()}}
        payload["data"] = dict(LayerDetailSerializer(shown).data)
    else:
        payload["data"] = dict(LayerSerializer(doc).data)
        if traces is not None:
            payload["traces_omitted"] = True
    broadcast(project.pk, kind, payload)


def _video_event(project: Project, kind: str, doc: Mapping[str, Any]) -> None:
    from annotations.affect_api.serializers import VideoSerializer

    payload = {"id": doc["_id"], "video": doc["_id"], "version": doc["version"],
               "data": dict(VideoSerializer(doc).data)}  # fmt: skip
    broadcast(project.pk, kind, payload)


def _layer_from_input(
    layer_id: str,
    video_id: str,
    annotator: str,
    kind: str,
    data: Mapping[str, Any],
    schema: AffectSchema,
) -> Layer:
    traces = data.get("traces") or {}
    try:
        layer = Layer(
            layer_id=layer_id,
            video_id=video_id,
            annotator=annotator,
            kind=kind,  # type: ignore[arg-type]  # Layer.validate checks it
            schema_version=schema.version,
            segments=[Segment(**s) for s in data.get("segments", [])],
            events=[Event(**e) for e in data.get("events", [])],
            traces={name: Trace(name, float(t["fps"]), t["values"]) for name, t in traces.items()},
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    return layer


def _validate(layer: Layer, video: Mapping[str, Any], schema: AffectSchema) -> None:
    """Check a layer against the project's schema; the layer is stamped with its version."""
    layer.schema_version = schema.version
    try:
        layer.validate(schema, duration_ms=int(video["duration_ms"]))
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
    schema = project_schema(project)
    layer = _layer_from_input(new_id(), video_id, user.username, kind, data, schema)
    _validate(layer, video, schema)
    documents.layers.insert(project.pk, {"_id": layer.layer_id, **layer.to_doc()}, user.username)
    _write_traces(project, layer)
    doc = documents.layers.get(project.pk, layer.layer_id)
    layer_event(project, "affect.layer.created", doc, layer.traces if "traces" in data else None)
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
    _check_layer_owner(user, role, current)
    if "traces" in data:
        traces = data
    else:
        kept = load_layer(project, current).traces
        traces = {"traces": {n: {"fps": t.fps, "values": t.values} for n, t in kept.items()}}
    schema = project_schema(project)
    layer = _layer_from_input(
        layer_id, video_id, current["annotator"], current["kind"], {**data, **traces}, schema
    )
    _validate(layer, video, schema)
    # Traces are written beside the document, so a save with traces is never merged.
    doc = documents.layers.update(
        project.pk, layer_id, expected_version, layer.to_doc(), user.username,
        merge="traces" not in data, check=_merged_layer_check(video, schema),
    )  # fmt: skip
    if "traces" in data:
        _write_traces(project, layer)
    layer_event(project, "affect.layer.updated", doc, layer.traces if "traces" in data else None)
    return doc


def _merged_layer_check(video: Mapping[str, Any], schema: AffectSchema) -> Callable[[Doc], None]:
    """A merged layer must pass the validation its save passed (an event whose apex one coder
    moved and whose offset another moved can end with the apex after the offset)."""

    def check(doc: Doc) -> None:
        try:
            layer = Layer.from_doc(doc)
        except ValidationError as exc:
            raise _invalid(exc) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError("invalid", f"Not a layer: {exc}", field="segments") from None
        _validate(layer, video, schema)

    return check


def _check_layer_owner(user: User, role: Role | None, layer: Mapping[str, Any]) -> None:
    if layer["annotator"] != user.username and not _is_manager(role):
        raise DomainError(
            "permission_denied",
            f"This layer belongs to {layer['annotator']}; only they or a manager may change it.",
            status_code=status.HTTP_403_FORBIDDEN,
        )


def layer_history(project: Project, video_id: str, layer_id: str) -> list[Doc]:
    get_layer(project, video_id, layer_id)
    return documents.layers.history(project.pk, layer_id)


def layer_version(project: Project, video_id: str, layer_id: str, version: int) -> Doc:
    """The stored segments and events of one version of a layer (traces are not versioned)."""
    get_layer(project, video_id, layer_id)
    try:
        return documents.layers.version(project.pk, layer_id, version)
    except DomainError:
        raise DomainError(
            "not_found",
            f"This layer has no version {version}.",
            field="version",
            status_code=status.HTTP_404_NOT_FOUND,
        ) from None


def revert_layer(
    user: User,
    role: Role | None,
    project: Project,
    video_id: str,
    layer_id: str,
    to_version: int,
    expected_version: int,
) -> Doc:
    """Make the segments and events of ``to_version`` current again, as a new version.

    Traces are not versioned (they live in buckets), so the current traces are kept. The old
    content must still fit the project's schema; a stale ``expected_version`` is a 409.
    """
    video = get_video(project, video_id)
    current = get_layer(project, video_id, layer_id)
    _check_layer_owner(user, role, current)
    try:
        old = documents.layers.version(project.pk, layer_id, to_version)
    except DomainError:
        raise DomainError(
            "invalid", f"This layer has no version {to_version}.", field="to_version"
        ) from None
    try:
        layer = Layer.from_doc({**old, "layer_id": layer_id})
    except ValidationError as exc:
        raise _invalid(exc) from None
    layer.traces = load_layer(project, current).traces
    _validate(layer, video, project_schema(project))
    doc = documents.layers.update(
        project.pk, layer_id, expected_version, layer.to_doc(), user.username, merge=False
    )
    layer_event(project, "affect.layer.updated", doc)
    return doc


def _write_layer(
    user: User,
    project: Project,
    layer: Layer,
    current: Doc | None,
    expected_version: int | None = None,
) -> Doc:
    """Insert a new layer, or replace ``current`` (traces too) with a new version; a stale
    ``expected_version`` is a 409 that writes nothing."""
    if current is None:
        documents.layers.insert(
            project.pk, {"_id": layer.layer_id, **layer.to_doc()}, user.username
        )
        event = "affect.layer.created"
    else:
        expected = int(current["version"]) if expected_version is None else expected_version
        documents.layers.update(
            project.pk, layer.layer_id, expected, layer.to_doc(), user.username, merge=False
        )
        event = "affect.layer.updated"
    _write_traces(project, layer)
    doc = documents.layers.get(project.pk, layer.layer_id)
    layer_event(project, event, doc, layer.traces)
    return doc


def _own_layer(project: Project, video_id: str, annotator: str, kind: str) -> Doc | None:
    return documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": annotator, "kind": kind}
    )


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
        raise _invalid(exc) from None
    except UnicodeDecodeError:
        raise DomainError("invalid", "The file is not UTF-8 text.", field="file") from None
    if not layers:
        raise DomainError("invalid", "The file holds no annotations.", field="file")
    schema = project_schema(project)
    pending: list[tuple[Layer, Doc | None]] = []
    for layer in layers:
        current = _own_layer(project, video_id, layer.annotator, kind)
        layer.kind = kind  # type: ignore[assignment]  # validated below
        layer.layer_id = str(current["_id"]) if current else new_id()
        _validate(layer, video, schema)
        pending.append((layer, current))
    created: list[Doc] = []
    updated: list[Doc] = []
    for layer, current in pending:
        doc = _write_layer(user, project, layer, current)
        (created if current is None else updated).append(doc)
    return ImportResult(created, updated)


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
    coders = _coder_layers(project, video_id)
    if not coders:
        raise DomainError(
            "invalid", "This video has no coder layers to adjudicate.", field="method"
        )
    current = _own_layer(project, video_id, user.username, "gold")
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
        raise _invalid(exc) from None
    _validate(gold, video, schema)
    return _write_layer(user, project, gold, current, expected_version), current is None


# --- agreement and exports -------------------------------------------------------------------


def _coder_layers(
    project: Project, video_id: str, kinds: tuple[str, ...] = ("coder",)
) -> list[Layer]:
    docs = [d for d in list_layers(project, video_id) if d.get("kind") in kinds]
    return sorted((load_layer(project, d) for d in docs), key=lambda layer: layer.annotator)


def agreement(
    project: Project, video_id: str, aus: list[str] | None = None, machine: bool = False
) -> dict[str, Any]:
    """:func:`agreement_report` over the coder layers of a video, ordered by annotator; with
    ``machine`` the machine layers (``machine:<model>``) take part as coders too."""
    video = get_video(project, video_id)
    layers = _coder_layers(project, video_id, ("coder", "model") if machine else ("coder",))
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
        raise _invalid(exc) from None


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
        layers = _coder_layers(project, str(video["_id"]), kinds)
        if len(layers) >= 2:
            videos.append(video)
            ratings.append(VideoRatings(layers, video_fps(video), int(video["frame_count"])))
    report = project_au_agreement(ratings, codes, schema)
    for video, summary in zip(videos, report["videos"], strict=True):
        summary["video"] = video["_id"]
        summary["filename"] = video["filename"]
    return {"schema_version": schema.version, **report}


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


# --- label schema ----------------------------------------------------------------------------


def _schema_body(schema: AffectSchema) -> dict[str, Any]:
    body = schema.to_doc()
    del body["version"]  # the stored document's own version is the schema's version
    return body


def project_schema(project: Project) -> AffectSchema:
    """The project's label schema; the default one until a manager sets another."""
    doc = documents.schemas.collection.find_one(
        {"_id": documents.schema_id(project.pk), "project": project.pk}
    )
    return DEFAULT_SCHEMA if doc is None else AffectSchema.from_doc(doc)


def schema_doc(project: Project) -> Doc:
    """The stored schema document, or the default schema shaped like one (version 1)."""
    doc = documents.schemas.collection.find_one(
        {"_id": documents.schema_id(project.pk), "project": project.pk}
    )
    if doc is not None:
        return doc
    return {
        "_id": documents.schema_id(project.pk),
        "version": DEFAULT_SCHEMA.version,
        **_schema_body(DEFAULT_SCHEMA),
        "created_at": None,
        "created_by": None,
        "updated_at": None,
        "updated_by": None,
    }


def describe_schema(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A schema document as the API shows it: AU codes, the emotion preset, the fixed scales."""
    schema = AffectSchema.from_doc(dict(doc))
    return {
        "version": schema.version,
        "action_units": [{"code": au.code, "name": au.name} for au in schema.action_units],
        "emotions": {
            "preset": emotion_preset(schema.emotions),
            "name": schema.emotions.name,
            "categories": list(schema.emotions.categories),
        },
        "dimensions": list(schema.dimensions),
        "dimension_range": list(DIMENSION_RANGE),
        "notes": schema.notes,
        "updated_at": doc.get("updated_at"),
        "updated_by": doc.get("updated_by"),
    }


def _schema_from_input(data: Mapping[str, Any], version: int) -> AffectSchema:
    try:
        if "action_units" in data:
            aus = tuple(
                facs_action_unit(str(a["code"]), a.get("name") or None, field=f"action_units.{i}")
                for i, a in enumerate(data["action_units"])
            )
        else:
            aus = FACS_AUS
        return AffectSchema(
            version=version,
            action_units=aus,
            emotions=emotion_set(data.get("emotions", "ekman")),
            dimensions=tuple(data.get("dimensions", DIMENSIONS)),
            notes=bool(data.get("notes", True)),
        )
    except ValidationError as exc:
        raise _invalid(exc) from None


def put_schema(user: User, project: Project, expected_version: int, data: Mapping[str, Any]) -> Doc:
    """Replace the project's label schema if it is still at ``expected_version`` (the default
    schema is version 1). Layers are checked against the new schema when next written."""
    schema = _schema_from_input(data, expected_version + 1)
    schema_id = documents.schema_id(project.pk)
    stored = documents.schemas.collection.find_one({"_id": schema_id, "project": project.pk})
    if stored is None:
        if expected_version != DEFAULT_SCHEMA.version:
            raise Conflict(
                "version_conflict",
                f"This label schema changed since you read it (you had version "
                f"{expected_version}, it is now {DEFAULT_SCHEMA.version}). "
                "Your change was not saved.",
                field="version",
                extra={"current": schema_doc(project)},
            )
        # The default becomes version 1 of the history, so it can be reverted to.
        with contextlib.suppress(DuplicateKeyError):
            documents.schemas.insert(
                project.pk, {"_id": schema_id, **_schema_body(DEFAULT_SCHEMA)}, user.username
            )
    doc = documents.schemas.update(
        project.pk, schema_id, expected_version, _schema_body(schema), user.username, replace=True
    )
    # The label schema as GET .../affect/schema/ serves it.
    from annotations.affect_api.serializers import SchemaSerializer

    data = dict(SchemaSerializer(describe_schema(doc)).data)
    broadcast(
        project.pk,
        "affect.schema.updated",
        {"id": doc["_id"], "version": doc["version"], "data": data},
    )
    return doc


def schema_history(project: Project) -> list[Doc]:
    return documents.schemas.history(project.pk, documents.schema_id(project.pk))


# --- speech <-> face links -------------------------------------------------------------------


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
        raise _invalid(exc) from None
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
    if current["created_by"] != user.username and not _is_manager(role):
        raise DomainError(
            "permission_denied",
            f"This link was made by {current['created_by']}; only they or a manager may delete it.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    documents.links.delete(project.pk, link_id, expected_version, user.username)
    broadcast(project.pk, "affect.link.deleted", {"id": link_id, "link": link_id})


# --- thumbnails ------------------------------------------------------------------------------


def _check_count(count: int) -> None:
    if not 1 <= count <= MAX_THUMBNAILS:
        raise DomainError(
            "invalid", f"count must be between 1 and {MAX_THUMBNAILS}, got {count}.", field="count"
        )


def _thumbnail_folder(video: Mapping[str, Any], count: int) -> str:
    return f"{PurePosixPath(str(video['storage_name'])).parent}/thumbnails/{count}"


def _store_once(name: str, data: bytes) -> None:
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # another request stored it first
        default_storage.delete(saved)


def thumbnail_times(project: Project, video_id: str, count: int) -> list[float]:
    """The times (s) of ``count`` stills for a scrub bar, made on first request and cached
    next to the video (``thumbnails/<count>/<i>.jpg``; ``times.json`` is written last)."""
    _check_count(count)
    video = get_video(project, video_id)
    folder = _thumbnail_folder(video, count)
    index = f"{folder}/times.json"
    if default_storage.exists(index):
        with default_storage.open(index, "rb") as handle:
            return [float(t) for t in json.loads(handle.read())]
    try:
        with local_path(str(video["storage_name"])) as path:
            shots = media.thumbnails(path, count)
    except media.MediaError as exc:
        raise DomainError("invalid_media", str(exc), field="count") from None
    for i, (_, jpeg) in enumerate(shots):
        _store_once(f"{folder}/{i}.jpg", jpeg)
    times = [t for t, _ in shots]
    _store_once(index, json.dumps(times).encode())
    return times


def thumbnail_name(project: Project, video_id: str, count: int, index: int) -> str:
    """The stored name of still ``index`` of ``count`` (made first if need be)."""
    _check_count(count)
    if not 0 <= index < count:
        raise DomainError("not_found", f"No thumbnail {index} of {count}.", status_code=404)
    thumbnail_times(project, video_id, count)
    return f"{_thumbnail_folder(get_video(project, video_id), count)}/{index}.jpg"
