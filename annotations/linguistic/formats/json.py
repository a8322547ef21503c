"""JSON Lines: one ``Text.to_doc()`` per line, the documented JSON shape of a text.

One line per text keeps the writer streaming and lets a reader skip texts it does not need.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from annotations.linguistic.model import Text
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, check_size


def dumps(texts: Iterable[Text]) -> Iterator[str]:
    """Yield one JSON line per text."""
    for text in texts:
        yield json.dumps(text.to_doc(), ensure_ascii=False, separators=(",", ":")) + "\n"


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
