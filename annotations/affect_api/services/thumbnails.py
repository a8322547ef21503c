"""Stills of a video for a scrub bar, made on first request and cached beside the video."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from annotations.affect import media
from annotations.affect_api.services.videos import get_video, local_path
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project

MAX_THUMBNAILS: Final = 50


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
