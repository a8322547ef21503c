"""CSV tables of a corpus, for spreadsheets and R/pandas.

Per-morpheme layout (``MORPHEME_COLUMNS`` then one ``translation:<lang>`` column per language):
one row per morpheme; a word without morphemes has one row with an empty ``morpheme_index``; an
utterance without words one row with an empty ``word_index``. Utterance and word columns repeat
on every row of that utterance/word, so any row can be read alone. Indices are 0-based.

Per-utterance layout (``UTTERANCE_COLUMNS`` then translations): one row per utterance, words,
segmentations and glosses space-separated as in Toolbox. Export only.

Writers are generators of lines, so 100k utterances never sit in memory as one string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from annotations.linguistic.model import Morpheme, Text, Utterance, Word
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, check_size

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
        self.writer = csv.writer(self.buf, lineterminator="\n")

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


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Text]:
    """Read the per-morpheme layout back into texts; FormatError lists bad rows by line."""
    check_size(data, max_bytes)
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
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
    problems: list[Problem] = []
    texts: dict[str, Text] = {}
    utts: dict[tuple[str, int], Utterance] = {}
    word: Word | None = None
    word_key: tuple[str, int, int] | None = None
    for row in reader:
        n = reader.line_num
        if len(row) != len(header):
            if any(row):
                problems.append(Problem(f"{len(row)} cells but {len(header)} columns", n))
            continue

        def get(name: str, row: list[str] = row) -> str:
            return row[col[name]]

        try:
            order = int(get("utterance_order"))
            wi = int(get("word_index")) if get("word_index") else None
            mi = int(get("morpheme_index")) if get("morpheme_index") else None
        except ValueError as exc:
            problems.append(Problem(f"bad index: {exc}", n))
            continue
        text_id = get("text_id")
        text = texts.get(text_id)
        if text is None:
            text = texts[text_id] = Text(id=text_id)
        utt = utts.get((text_id, order))
        if utt is None:
            utt = Utterance(
                id=get("utterance_id"),
                order=order,
                transcription=get("transcription"),
                translations={lang: row[i] for lang, i in langs if row[i]},
            )
            utts[(text_id, order)] = utt
            text.utterances.append(utt)
        if wi is None:
            continue
        if word_key != (text_id, order, wi) or word is None:
            if wi != len(utt.words):
                problems.append(Problem(f"word_index {wi} but {len(utt.words)} words so far", n))
                continue
            word = Word(form=get("word"), gloss=get("word_gloss"), pos=get("word_pos"))
            utt.words.append(word)
            word_key = (text_id, order, wi)
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
    if problems:
        raise FormatError.collect(problems, "CSV file")
    for text in texts.values():
        text.utterances.sort(key=lambda u: u.order)
    return list(texts.values())
