"""JSON Lines: one ``Text.to_doc()`` per line, the documented JSON shape of a text.

One line per text keeps the writer streaming and lets a reader skip texts it does not need.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator

from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.model import Text, Utterance
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    text_lines,
)


def _dump(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def dumps(texts: Iterable[Text]) -> Iterator[str]:
    """Yield one JSON line per text."""
    return dumps_streamed((text, text.utterances) for text in texts)


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]], batch: int = 200
) -> Iterator[str]:
    """The same lines as :func:`dumps`, a text's utterances read lazily and written ``batch`` at a
    time, so a text of 100k utterances is never one string (``text.utterances`` is ignored)."""
    for text, utterances in texts:
        head = text.to_doc()
        del head["utterances"]
        yield _dump(head)[:-1] + ',"utterances":['
        parts: list[str] = []
        sep = ""
        for utt in utterances:
            parts.append(sep + _dump(utt.to_doc()))
            sep = ","
            if len(parts) >= batch:
                yield "".join(parts)
                parts = []
        yield "".join(parts) + "]}\n"


def iter_texts(
    source: Readable, problems: list[Problem], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Item]:
    """Read JSON Lines a text (one line) at a time: its head, then its utterances; every bad
    line is added to ``problems``."""
    for n, line in enumerate(text_lines(source, max_bytes=max_bytes), start=1):
        if not line.strip():
            continue
        try:
            text = Text.from_doc(json.loads(line))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(Problem(f"not a text document: {exc!r}", n))
            continue
        utterances, text.utterances = text.utterances, []
        yield text
        yield from utterances


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Text]:
    """Read JSON Lines back; FormatError lists every bad line."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(iter_texts(io.BytesIO(data), problems, max_bytes=max_bytes))
    if problems:
        raise FormatError.collect(problems, "JSON Lines file")
    return texts
