"""Toolbox / Shoebox standard format: interlinear texts as backslash-marked lines.

Two marker sets are read and written:

* ``sigmorphon``: ``\\t`` transcription, ``\\m`` segmentation, ``\\p`` part of speech,
  ``\\g`` gloss, ``\\l`` free translation; one record per blank-line-separated block, one token
  per word, morphs joined by ``-`` or ``=`` inside a token (the SIGMORPHON 2023 shared task files).
* ``classic``: ``\\id`` starts a text, ``\\ref`` an utterance, ``\\tx``/``\\mb``/``\\ge``/``\\ps``
  are interlinear lines aligned by columns, ``\\ft`` the free translation, ``\\nt`` a note.

Other markers inside a record are kept as custom utterance tiers.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Literal

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

MarkerSet = Literal["sigmorphon", "classic"]

_MARKER = re.compile(r"\\(\S+)")
_SPLIT = re.compile(r"([-=])")
_TOKEN = re.compile(r"\S+")

SIGMORPHON = {"text": "t", "morphemes": "m", "pos": "p", "gloss": "g", "translation": "l"}
CLASSIC = {"text": "tx", "morphemes": "mb", "pos": "ps", "gloss": "ge", "translation": "ft"}
_DETECT_LINES = 2000


@dataclass(slots=True)
class _Field:
    marker: str
    value: str
    line: int


@dataclass(slots=True)
class _Record:
    fields: list[_Field] = field(default_factory=list)


def _split_morphs(token: str) -> list[tuple[str, str]]:
    """``a-b=c`` -> [("", "a"), ("-", "b"), ("=", "c")]."""
    if "-" not in token and "=" not in token:
        return [("", token)]
    parts = _SPLIT.split(token)
    out = [("", parts[0])]
    out.extend((parts[i], parts[i + 1]) for i in range(1, len(parts), 2))
    return out


def _records(lines: Iterable[str], record_markers: frozenset[str]) -> Iterator[_Record]:
    """Group fields into records: a blank line or a record marker starts a new one."""
    rec = _Record()
    for n, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\n") else raw
        if not line.strip():
            if rec.fields and not record_markers:
                yield rec
                rec = _Record()
            continue
        m = _MARKER.match(line)
        if m is None:
            if rec.fields:
                rec.fields[-1].value += " " + line.strip()
            continue
        marker = m.group(1)
        # Keep the value exactly (after the one separating space) so files round-trip byte-exact.
        value = line[m.end() + 1 :] if line[m.end() : m.end() + 1] in (" ", "\t") else ""
        if marker in record_markers and rec.fields:
            yield rec
            rec = _Record()
        rec.fields.append(_Field(marker, value, n))
    if rec.fields:
        yield rec


def _detect(lines: Iterable[str]) -> MarkerSet:
    for line in lines:
        m = _MARKER.match(line)
        if m and m.group(1) in ("tx", "ref", "mb", "ge", "id", "ft"):
            return "classic"
    return "sigmorphon"


def iter_texts(
    source: Readable,
    problems: list[Problem],
    *,
    text_id: str = "text",
    title: str = "",
    language: str | None = None,
    translation_lang: str = "en",
    markers: MarkerSet | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Read a Toolbox file a record at a time: a text head (one per ``\\id``, or one for a
    SIGMORPHON file), then its utterances.

    Every misaligned line is added to ``problems``, e.g. "line 17: word 2 'xtok' has 2
    morphemes but 3 glosses"; the utterance is still yielded, so one pass finds them all.
    """
    lines = text_lines(source, max_bytes=max_bytes)
    head = list(islice(lines, _DETECT_LINES))
    kind = markers or _detect(head)
    all_lines = chain(head, lines)
    if kind == "sigmorphon":
        yield Text(id=text_id, title=title, language=language)
        for order, rec in enumerate(_records(all_lines, frozenset())):
            yield _sigmorphon_record(rec, order, translation_lang, problems)
    else:
        yield from _classic(all_lines, text_id, title, language, translation_lang, problems)


def loads(
    data: bytes,
    *,
    text_id: str = "text",
    title: str = "",
    language: str | None = None,
    translation_lang: str = "en",
    markers: MarkerSet | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Text]:
    """Parse a whole Toolbox file into texts (:func:`iter_texts` over bytes).

    Raises FormatError listing every misaligned line.
    """
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(
        iter_texts(
            io.BytesIO(data),
            problems,
            text_id=text_id,
            title=title,
            language=language,
            translation_lang=translation_lang,
            markers=markers,
            max_bytes=max_bytes,
        )
    )
    if problems:
        raise FormatError.collect(problems, "Toolbox file")
    return texts


def _words_from_tokens(
    forms: list[str],
    segs: list[str] | None,
    glosses: list[str] | None,
    poses: list[str] | None,
    lines: dict[str, int],
    problems: list[Problem],
) -> list[Word]:
    """Build words from per-word tokens; segs/glosses/poses split into morphs on - and =."""
    words: list[Word] = []
    for name, toks in (("segmentations", segs), ("glosses", glosses), ("POS tags", poses)):
        if toks is not None and len(toks) != len(forms):
            problems.append(Problem(f"{len(forms)} words but {len(toks)} {name}", lines.get(name)))
            return []
    for i, form in enumerate(forms):
        word = Word(form=form)
        if segs is not None:
            morphs = _split_morphs(segs[i])
            word.morphemes = [Morpheme(form=f, boundary=b) for b, f in morphs]
            if glosses is not None:
                parts = _aligned(morphs, glosses, segs, i, "glosses", lines, problems)
                for morph, value in zip(word.morphemes, parts, strict=False):
                    morph.gloss = value
            if poses is not None:
                parts = _aligned(morphs, poses, segs, i, "POS tags", lines, problems)
                for morph, value in zip(word.morphemes, parts, strict=False):
                    morph.pos = value
        else:
            if glosses is not None:
                word.gloss = glosses[i]
            if poses is not None:
                word.pos = poses[i]
        words.append(word)
    return words


def _aligned(
    morphs: list[tuple[str, str]],
    toks: list[str],
    segs: list[str],
    i: int,
    name: str,
    lines: dict[str, int],
    problems: list[Problem],
) -> list[str]:
    """The per-morph values of word ``i`` on one line, or [] (and a problem) if misaligned."""
    parts = _split_morphs(toks[i])
    if len(parts) != len(morphs):
        problems.append(
            Problem(
                f"word {i + 1} {segs[i]!r} has {len(morphs)} morphemes but "
                f"{len(parts)} {name} ({toks[i]!r})",
                lines.get(name),
            )
        )
        return []
    return [value for _, value in parts]


def _sigmorphon_record(
    rec: _Record, order: int, translation_lang: str, problems: list[Problem]
) -> Utterance:
    utt = Utterance(id=str(order + 1), order=order)
    found: dict[str, _Field] = {}
    for f in rec.fields:
        if f.marker in ("t", "m", "g", "p", "l") and f.marker not in found:
            found[f.marker] = f
        else:
            utt.tiers[f.marker] = f.value
    if "t" not in found:
        problems.append(Problem("record has no \\t line", rec.fields[0].line))
        return utt
    utt.transcription = found["t"].value
    if "l" in found:
        utt.translations[translation_lang] = found["l"].value
    forms = utt.transcription.split()

    def toks(marker: str) -> list[str] | None:
        return found[marker].value.split() if marker in found else None

    lines = {
        "segmentations": found["m"].line if "m" in found else None,
        "glosses": found["g"].line if "g" in found else None,
        "POS tags": found["p"].line if "p" in found else None,
    }
    utt.words = _words_from_tokens(
        forms, toks("m"), toks("g"), toks("p"), {k: v for k, v in lines.items() if v}, problems
    )
    return utt


def _display_col(line: str, index: int) -> int:
    """Column as Toolbox shows it: combining marks take no width."""
    return sum(1 for ch in line[:index] if not unicodedata.combining(ch))


def _columns(value: str) -> list[tuple[int, str]]:
    return [(_display_col(value, m.start()), m.group()) for m in _TOKEN.finditer(value)]


def _classic(
    lines: Iterable[str],
    text_id: str,
    title: str,
    language: str | None,
    translation_lang: str,
    problems: list[Problem],
) -> Iterator[Item]:
    order = 0
    started = False
    for rec in _records(lines, frozenset({"id", "ref", "_sh"})):
        head = rec.fields[0]
        if head.marker == "_sh":
            continue
        if head.marker == "id":
            text = Text(id=head.value.strip() or text_id, title=title, language=language)
            for f in rec.fields[1:]:
                if f.marker == "title":
                    text.title = f.value
                else:
                    text.metadata[f.marker] = f.value
            yield text
            started, order = True, 0
            continue
        if not started:
            yield Text(id=text_id, title=title, language=language)
            started = True
        yield _classic_record(rec, order, translation_lang, problems)
        order += 1


def _classic_record(
    rec: _Record, order: int, translation_lang: str, problems: list[Problem]
) -> Utterance:
    head = rec.fields[0]
    utt_id = head.value.strip() if head.marker == "ref" else ""
    utt = Utterance(id=utt_id or str(order + 1), order=order)
    bundles: list[dict[str, _Field]] = []
    for f in rec.fields[1:] if head.marker == "ref" else rec.fields:
        if f.marker == "tx":
            bundles.append({"tx": f})
        elif f.marker in ("mb", "ge", "ps") and bundles and f.marker not in bundles[-1]:
            bundles[-1][f.marker] = f
        elif f.marker == "ft":
            utt.translations[translation_lang] = f.value.strip()
        elif f.marker == "nt":
            utt.notes.append(f.value.strip())
        else:
            utt.tiers[f.marker] = f.value.strip()
    for bundle in bundles:
        utt.words.extend(_classic_bundle(bundle, problems))
    utt.transcription = " ".join(w.form for w in utt.words)
    return utt


def _classic_bundle(bundle: dict[str, _Field], problems: list[Problem]) -> list[Word]:
    """Assign interlinear tokens to the word whose column they start under."""
    words = _columns(bundle["tx"].value)
    if not words:
        return []
    starts = [c for c, _ in words]

    def per_word(marker: str) -> list[str] | None:
        if marker not in bundle:
            return None
        cells: list[str] = [""] * len(words)
        w = 0
        for col, tok in _columns(bundle[marker].value):
            while w + 1 < len(starts) and col >= starts[w + 1]:
                w += 1
            if col < starts[0]:
                problems.append(
                    Problem(f"{tok!r} starts before the first word", bundle[marker].line)
                )
            cells[w] += tok
        return cells

    segs, glosses, poses = per_word("mb"), per_word("ge"), per_word("ps")
    lines = {"segmentations": bundle["tx"].line}
    for marker, name in (("mb", "segmentations"), ("ge", "glosses"), ("ps", "POS tags")):
        if marker in bundle:
            lines[name] = bundle[marker].line
    return _words_from_tokens([t for _, t in words], segs, glosses, poses, lines, problems)


def _word_cells(word: Word, with_pos: bool) -> tuple[str, str, str]:
    seg = word.segmentation if word.morphemes else word.form
    gloss = word.joined_gloss
    if word.morphemes:
        pos = "".join(m.boundary + m.pos for m in word.morphemes) if with_pos else ""
    else:
        pos = word.pos
    return seg, gloss, pos


def dumps(
    texts: Iterable[Text], *, markers: MarkerSet = "sigmorphon", translation_lang: str = "en"
) -> Iterator[str]:
    """Write texts as Toolbox lines, one chunk per record, so large corpora stream."""
    return dumps_streamed(
        ((text, text.utterances) for text in texts),
        markers=markers,
        translation_lang=translation_lang,
    )


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]],
    *,
    markers: MarkerSet = "sigmorphon",
    translation_lang: str = "en",
) -> Iterator[str]:
    """The chunks of :func:`dumps` from text heads with lazily read utterances
    (``text.utterances`` is ignored), so one utterance at a time is in memory."""
    for text, utterances in texts:
        if markers == "classic":
            yield _classic_head(text)
            for utt in utterances:
                yield _classic_utterance(utt, translation_lang)
        else:
            for utt in utterances:
                yield _sigmorphon_utterance(utt, translation_lang)


def _sigmorphon_utterance(utt: Utterance, translation_lang: str) -> str:
    out = [f"\\t {utt.transcription or ' '.join(w.form for w in utt.words)}"]
    has_morphs = any(w.morphemes for w in utt.words)
    has_pos = any(m.pos for w in utt.words for m in w.morphemes) or any(w.pos for w in utt.words)
    cells = [_word_cells(w, True) for w in utt.words]
    if has_morphs:
        out.append("\\m " + " ".join(c[0] for c in cells))
    if has_pos:
        out.append("\\p " + " ".join(c[2] for c in cells))
    if any(c[1] for c in cells):
        out.append("\\g " + " ".join(c[1] for c in cells))
    if translation_lang in utt.translations:
        out.append(f"\\l {utt.translations[translation_lang]}")
    out.extend(f"\\{k} {v}" for k, v in utt.tiers.items())
    return "\n".join(out) + "\n\n"


def _width(s: str) -> int:
    return sum(1 for ch in s if not unicodedata.combining(ch))


def _classic_head(text: Text) -> str:
    head = [f"\\id {text.id}"]
    if text.title:
        head.append(f"\\title {text.title}")
    head.extend(f"\\{k} {v}" for k, v in text.metadata.items())
    return "\n".join(head) + "\n\n"


def _classic_utterance(utt: Utterance, translation_lang: str) -> str:
    rows: dict[str, list[str]] = {"tx": [], "mb": [], "ge": [], "ps": []}
    for word in utt.words:
        if word.morphemes:
            cells = [
                (m.boundary + m.form, m.boundary + m.gloss, m.boundary + m.pos)
                for m in word.morphemes
            ]
        else:
            cells = [(word.form, word.gloss, word.pos)]
        widths = [max(_width(c) for c in cell) + 1 for cell in cells]
        total = max(sum(widths), _width(word.form) + 1)
        widths[-1] += total - sum(widths)
        rows["tx"].append(word.form + " " * (total - _width(word.form)))
        for key, idx in (("mb", 0), ("ge", 1), ("ps", 2)):
            rows[key].append(
                "".join(
                    c[idx] + " " * (w - _width(c[idx])) for c, w in zip(cells, widths, strict=True)
                )
            )
    out = [f"\\ref {utt.id}"]
    has_morphs = any(w.morphemes for w in utt.words)
    has_gloss = any(w.joined_gloss for w in utt.words)
    has_pos = any(w.pos for w in utt.words) or any(m.pos for w in utt.words for m in w.morphemes)
    for key, present in (("tx", True), ("mb", has_morphs), ("ge", has_gloss), ("ps", has_pos)):
        if present:
            out.append(f"\\{key} " + "".join(rows[key]).rstrip())
    if translation_lang in utt.translations:
        out.append(f"\\ft {utt.translations[translation_lang]}")
    out.extend(f"\\nt {n}" for n in utt.notes)
    out.extend(f"\\{k} {v}" for k, v in utt.tiers.items())
    return "\n".join(out) + "\n\n"
