"""Streamed responses that really stream under ASGI.

Django's ASGI handler serves a ``StreamingHttpResponse`` (and so every ``FileResponse``) built on
a synchronous iterator by reading it to the end with ``sync_to_async(list)`` before it sends a
byte: a 100k-utterance export then sat in the web process's memory (949 MB) and its first byte
came when its last was made. :class:`StreamingASGIHandler` gives every such response an
asynchronous iterator instead, which pulls the synchronous one in the request's worker thread a
block at a time, so bytes leave as they are made and memory holds one block. Views keep returning
ordinary streaming responses (the test client and WSGI read them synchronously, as before).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

# One thread hop per block, not per chunk: writers yield a chunk per utterance (or per CSV row),
# and a hop costs tens of microseconds, which would dominate at 100k chunks.
BLOCK_BYTES = 64 * 1024


def _next_block(chunks: Iterator[bytes], size: int) -> bytes | None:
    """The next chunks joined up to about ``size`` bytes; None once the iterator is done."""
    parts: list[bytes] = []
    held = 0
    for chunk in chunks:
        if not chunk:
            continue
        parts.append(chunk)
        held += len(chunk)
        if held >= size:
            break
    return b"".join(parts) if parts else None


async def blocks(chunks: Iterator[bytes], size: int = BLOCK_BYTES) -> AsyncIterator[bytes]:
    """``chunks`` as an async iterator of blocks, each read in the request's sync thread
    (``thread_sensitive``: the same thread as the view, so database connections behave)."""
    pull = sync_to_async(_next_block, thread_sensitive=True)
    while (block := await pull(chunks, size)) is not None:
        yield block


def stream_async(response: HttpResponseBase) -> HttpResponseBase:
    """Give a streaming response built on a sync iterator an async one (in place)."""
    if isinstance(response, StreamingHttpResponse) and not response.is_async:
        content = response.streaming_content
        assert isinstance(content, Iterator)
        response.streaming_content = blocks(content)
    return response


class StreamingASGIHandler(ASGIHandler):
    """Django's ASGI handler, with streamed responses sent as they are produced."""

    async def run_get_response(self, request: HttpRequest) -> Any:
        return stream_async(await super().run_get_response(request))
