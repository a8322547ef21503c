"""FLEx interlinear exports (``.flextext``): document / interlinear-text / paragraphs / phrases /
words / morphemes, in the current schema and the one FLEx 7/8 wrote.

FLEx writes morph boundaries into the morph text (``un-``, ``-s``, ``=ga``); they become
``Morpheme.boundary`` here and are written back in FLEx's style from the morph type. Glosses in
the main analysis language fill ``gloss``, others ``glosses``; repeated items of one type and
language are kept in order; word, morph, phrase and paragraph GUIDs and the text's languages
and media files are kept and written back.

* ``reader``: the streamed two-pass reader; ``writer``: the streamed writer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from annotations.linguistic.formats.flextext.reader import iter_texts
from annotations.linguistic.formats.flextext.writer import dumps_streamed
from annotations.linguistic.formats.stream import gather
from annotations.linguistic.model import Text
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    check_size,
    errors_only,
)

__all__ = ["dumps", "dumps_streamed", "iter_texts", "loads"]


def loads(
    data: bytes,
    *,
    gloss_lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    warnings: list[Problem] | None = None,
) -> list[Text]:
    """Parse a whole .flextext document into texts (:func:`iter_texts` over bytes)."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(
        iter_texts(io.BytesIO(data), problems, gloss_lang=gloss_lang, max_bytes=max_bytes)
    )
    errors = errors_only(problems)
    if errors:
        raise FormatError.collect(errors, "FLEx text")
    if warnings is not None:
        warnings.extend(p for p in problems if p.warning)
    return texts


def dumps(
    texts: Iterable[Text], *, gloss_lang: str | None = None, vernacular: str | None = None
) -> Iterator[str]:
    """Write texts as one .flextext document, a chunk per phrase."""
    return dumps_streamed(
        ((text, text.utterances) for text in texts), gloss_lang=gloss_lang, vernacular=vernacular
    )
