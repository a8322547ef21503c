"""Resumable (chunked) video uploads; a finished upload becomes a video as a direct one does.

A chunked upload is a Mongo document (who, which file, how big) plus a ``.part`` file under
MEDIA_ROOT/uploads/. The part file is the truth about the offset: a chunk that was cut off
mid-way keeps the bytes that arrived, and the client resumes from the offset it reads back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import File
from rest_framework import status

from annotations.affect_api import documents
from annotations.affect_api.services.videos import check_upload_size, create_video
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id

MAX_CHUNKED_UPLOAD_BYTES: Final = 4 * 1024**3
COPY_CHUNK_BYTES: Final = 1024 * 1024


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
                return create_video(user, project, str(doc["filename"]), _PartFile(part, path))
    finally:
        if not path.exists():
            documents.uploads().delete_one({"_id": upload_id, "project": project.pk})
