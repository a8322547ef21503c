"""CSV tables of a corpus, for spreadsheets and R/pandas.

Per-morpheme layout (``MORPHEME_COLUMNS`` then one ``translation:<lang>`` column per language):
one row per morpheme; a word without morphemes has one row with an empty ``morpheme_index``; an
utterance without words one row with an empty ``word_index``. Utterance and word columns repeat
on every row of that utterance/word, so any row can be read alone. Indices are 0-based.

Per-utterance layout (``UTTERANCE_COLUMNS`` then translations): one row per utterance, words,
segmentations and glosses space-separated as in Toolbox. Export only.

Writers are generators of lines, so 100k utterances never sit in memory as one string. Cells are
neutralised against spreadsheet formulas and restored on reading (``annotations/csvsafe.py``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from annotations.csvsafe import SafeWriter, unescape_cell
from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.model import Morpheme, Text, Utterance, Word
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    text_lines,
)

MORPHEME_COLUMNS = (
    "text_id",
    "utterance_id",
    "utterance_order",
    "transcription",
    "word_index",
    "word",
    "word_gloss",
    "word_pos",
    "morpheme_index",
    "boundary",
    "form",
    "gloss",
    "pos",
    "lemma",
    "morph_type",
)
UTTERANCE_COLUMNS = (
    "text_id",
    "utterance_id",
    "utterance_order",
    "transcription",
    "words",
    "segmentation",
    "glosses",
    "speaker",
    "start_ms",
    "end_ms",
)
TRANSLATION_PREFIX = "translation:"


class _Line:
    """Formats one CSV row to a string with the csv module's quoting rules."""

    def __init__(self) -> None:
        self.buf = io.StringIO()
        self.writer = SafeWriter(self.buf)

    def __call__(self, row: Sequence[object]) -> str:
        self.writer.writerow(row)
        out = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate()
        return out


def translation_languages(texts: Iterable[Text]) -> list[str]:
    """Every translation language used, in first-seen order (a header needs them up front)."""
    seen: dict[str, None] = {}
    for t in texts:
        for u in t.utterances:
            for lang in u.translations:
                seen.setdefault(lang, None)
    return list(seen)


def iter_morpheme_rows(texts: Iterable[Text], translation_langs: Sequence[str]) -> Iterator[str]:
    """Yield the per-morpheme CSV, header first, one line per chunk."""
    line = _Line()
    yield line([*MORPHEME_COLUMNS, *(TRANSLATION_PREFIX + lang for lang in translation_langs)])
    for text in texts:
        for utt in text.utterances:
            head = [text.id, utt.id, utt.order, utt.transcription]
            tail = [utt.translations.get(lang, "") for lang in translation_langs]
            if not utt.words:
                yield line([*head, *[""] * 11, *tail])
            for wi, w in enumerate(utt.words):
                wcols = [wi, w.form, w.gloss, w.pos]
                if not w.morphemes:
                    yield line([*head, *wcols, *[""] * 7, *tail])
                for mi, m in enumerate(w.morphemes):
                    mcols = [
                        mi,
                        m.boundary,
                        m.form,
                        m.gloss,
                        m.pos,
                        m.lemma or "",
                        m.morph_type or "",
                    ]
                    yield line([*head, *wcols, *mcols, *tail])


def iter_utterance_rows(texts: Iterable[Text], translation_langs: Sequence[str]) -> Iterator[str]:
    """Yield the per-utterance CSV, header first."""
    line = _Line()
    yield line([*UTTERANCE_COLUMNS, *(TRANSLATION_PREFIX + lang for lang in translation_langs)])
    for text in texts:
        for utt in text.utterances:
            span = utt.media
            yield line(
                [
                    text.id,
                    utt.id,
                    utt.order,
                    utt.transcription,
                    " ".join(w.form for w in utt.words),
                    " ".join(w.segmentation or w.form for w in utt.words),
                    " ".join(w.joined_gloss for w in utt.words),
                    utt.speaker or "",
                    "" if span is None or span.start_ms is None else span.start_ms,
                    "" if span is None or span.end_ms is None else span.end_ms,
                    *(utt.translations.get(lang, "") for lang in translation_langs),
                ]
            )


def iter_texts(
    source: Readable, problems: list[Problem], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Item]:
    """Read the per-morpheme layout a row at a time: a text head when ``text_id`` changes, an
    utterance once its last row is read. The rows of a text, and of an utterance, must be
    together (as :func:`iter_morpheme_rows` writes them); bad rows are added to ``problems``."""
    reader = csv.reader(text_lines(source, max_bytes=max_bytes, newline=""))
    header = next(reader, None)
    if header is None:
        raise FormatError("empty CSV file", line=1)
    missing = [c for c in MORPHEME_COLUMNS if c not in header]
    if missing:
        raise FormatError(f"missing columns: {', '.join(missing)}", line=1)
    col = {name: i for i, name in enumerate(header)}
    langs = [
        (h[len(TRANSLATION_PREFIX) :], i)
        for i, h in enumerate(header)
        if h.startswith(TRANSLATION_PREFIX)
    ]
    finished_texts: set[str] = set()
    text_id: str | None = None
    orders: set[int] = set()  # utterances of the current text already yielded
    utt: Utterance | None = None
    word: Word | None = None
    for row in reader:
        n = reader.line_num
        if len(row) != len(header):
            if any(row):
                problems.append(Problem(f"{len(row)} cells but {len(header)} columns", n))
            continue

        def get(name: str, row: list[str] = row) -> str:
            return unescape_cell(row[col[name]])

        try:
            order = int(get("utterance_order"))
            wi = int(get("word_index")) if get("word_index") else None
            mi = int(get("morpheme_index")) if get("morpheme_index") else None
        except ValueError as exc:
            problems.append(Problem(f"bad index: {exc}", n))
            continue
        if get("text_id") != text_id:
            if utt is not None:
                yield utt
                utt = None
            if text_id is not None:
                finished_texts.add(text_id)
            text_id = get("text_id")
            if text_id in finished_texts:
                problems.append(Problem(f"text {text_id!r} continues after other texts", n))
            orders = set()
            yield Text(id=text_id)
        if utt is None or utt.order != order:
            if utt is not None:
                orders.add(utt.order)
                yield utt
            if order in orders:
                problems.append(
                    Problem(f"utterance_order {order} continues after other utterances", n)
                )
            utt = Utterance(
                id=get("utterance_id"),
                order=order,
                transcription=get("transcription"),
                translations={lang: unescape_cell(row[i]) for lang, i in langs if row[i]},
            )
            word = None
        if wi is None:
            continue
        if word is None or wi != len(utt.words) - 1:
            if wi != len(utt.words):
                problems.append(Problem(f"word_index {wi} but {len(utt.words)} words so far", n))
                continue
            word = Word(form=get("word"), gloss=get("word_gloss"), pos=get("word_pos"))
            utt.words.append(word)
        if mi is None:
            continue
        if mi != len(word.morphemes):
            problems.append(Problem(f"morpheme_index {mi} but {len(word.morphemes)} so far", n))
            continue
        word.morphemes.append(
            Morpheme(
                form=get("form"),
                boundary=get("boundary"),
                gloss=get("gloss"),
                pos=get("pos"),
                lemma=get("lemma") or None,
                morph_type=get("morph_type") or None,
            )
        )
    if utt is not None:
        yield utt


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Text]:
    """Read the per-morpheme layout back into texts; FormatError lists bad rows by line."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(iter_texts(io.BytesIO(data), problems, max_bytes=max_bytes))
    if problems:
        raise FormatError.collect(problems, "CSV file")
    for text in texts:
        text.utterances.sort(key=lambda u: u.order)
    return texts
