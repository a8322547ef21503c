"""Serving a stored video's bytes: the one byte range a request asks for, and which copy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.files.storage import default_storage

STREAM_CHUNK_BYTES: Final = 256 * 1024


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
