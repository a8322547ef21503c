"""Videos of a project: upload, probe, poster, the browser-playable transcode."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from django.contrib.auth.models import User
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from rest_framework import status

from annotations.affect import media
from annotations.affect_api import documents
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, new_id

MAX_VIDEO_BYTES: Final = 2 * 1024**3
TRANSCODE_JOB: Final = "affect.transcode"


def _folder(project: Project, video_id: str) -> str:
    return f"videos/{project.pk}/{video_id}"


@contextlib.contextmanager
def local_path(name: str) -> Iterator[Path]:
    """A filesystem path for a stored file; non-local storages get a temporary copy."""
    try:
        local = Path(default_storage.path(name))
    except NotImplementedError:  # Django's answer for a storage without local files
        local = None
    if local is not None:
        yield local
        return
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
    return create_video(user, project, Path(upload.name or "video").name, upload)


def create_video(user: User, project: Project, filename: str, content: File[Any]) -> Doc:
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
    video_event(project, "video.created", doc)
    return doc


def list_videos(project: Project) -> list[Doc]:
    return list(documents.videos.find(project.pk, sort=[("created_at", 1), ("_id", 1)]))


def get_video(project: Project, video_id: str) -> Doc:
    return documents.videos.get(project.pk, video_id)


def video_fps(video: Mapping[str, Any]) -> float:
    return float(Fraction(str(video["fps"])))


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
    video_event(project, "video.updated", get_video(project, video_id))
    return {"video": video_id, "h264_size": changes["h264_size"]}


def video_event(project: Project, kind: str, doc: Mapping[str, Any]) -> None:
    from annotations.affect_api.serializers import VideoSerializer

    payload = {"id": doc["_id"], "video": doc["_id"], "version": doc["version"],
               "data": dict(VideoSerializer(doc).data)}  # fmt: skip
    broadcast(project.pk, kind, payload)
