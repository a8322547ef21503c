"""JSON Lines: one ``Text.to_doc()`` per line, the documented JSON shape of a text.

One line per text keeps the writer streaming and lets a reader skip texts it does not need.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from annotations.linguistic.model import Text, Utterance
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, check_size


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


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Text]:
    """Read JSON Lines back; FormatError lists every bad line."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts: list[Text] = []
    for n, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            texts.append(Text.from_doc(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(Problem(f"not a text document: {exc!r}", n))
    if problems:
        raise FormatError.collect(problems, "JSON Lines file")
    return texts
