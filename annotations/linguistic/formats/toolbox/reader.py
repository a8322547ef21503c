"""Reading Toolbox interlinear databases and SIGMORPHON files into texts and utterances."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any

from annotations.linguistic.formats.stream import Item
from annotations.linguistic.formats.toolbox.bundles import aligned_words, counted_words
from annotations.linguistic.formats.toolbox.columns import (
    detect_alignment,
)
from annotations.linguistic.formats.toolbox.lines import (
    Decoding,
    Field,
    Line,
    Record,
    read_lines,
    records,
)
from annotations.linguistic.formats.toolbox.markers import (
    LANG_SUFFIX,
    Alignment,
    MarkerMap,
    detect,
)
from annotations.linguistic.model import MediaSpan, Text, Utterance
from annotations.xmlsafe import DEFAULT_MAX_BYTES, Problem, Readable

# Enough records to see every marker of a database's type; few enough that a reader's memory
# stays that of one record.
DETECT_LINES = 500
_BOUNDARY = re.compile(r"([-=])")


@dataclass(slots=True)
class Options:
    text_id: str = "text"
    title: str = ""
    language: str | None = None
    translation_lang: str | None = None
    markers: MarkerMap | None = None
    alignment: Alignment | None = None
    decoding: Decoding = "strict"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(slots=True)
class _Context:
    markers: MarkerMap
    alignment: Alignment
    problems: list[Problem]
    header: list[Field] = field(default_factory=list)
    order: list[str] = field(default_factory=list)


def head_lines(
    source: Readable, problems: list[Problem], opts: Options
) -> tuple[list[Line], Iterator[Line]]:
    lines = read_lines(source, problems, decoding=opts.decoding, max_bytes=opts.max_bytes)
    return list(islice(lines, DETECT_LINES)), lines


def settle(head: list[Line], opts: Options) -> tuple[MarkerMap, Alignment]:
    """The marker map (given or detected) and the column unit (given or detected)."""
    markers = opts.markers or detect([line.text for line in head])
    if opts.translation_lang and opts.markers is None:
        # The old single-language option: the main translation marker is in this language.
        main = next(iter(markers.translations), None)
        if main is not None:
            markers = _with_translation(markers, main, opts.translation_lang)
    alignment = opts.alignment or detect_alignment(_head_bundles(head, markers))
    return markers, alignment


def _with_translation(markers: MarkerMap, marker: str, lang: str) -> MarkerMap:
    translations = dict(markers.translations)
    translations[marker] = lang
    return replace(markers, translations=translations)


def _head_bundles(head: list[Line], markers: MarkerMap) -> Iterator[list[Field]]:
    if not markers.aligned:
        return
    inter = markers.interlinear()
    bundle: list[Field] = []
    for line in head:
        text = line.text
        marker = text[1:].split(" ", 1)[0].split("\t", 1)[0] if text.startswith("\\") else None
        value = text[len(marker) + 2 :] if marker else ""
        if marker == markers.words:
            if len(bundle) > 1:
                yield bundle
            bundle = [Field(marker, value, line.number, line.repaired)]
        elif marker in inter and bundle and marker:
            bundle.append(Field(marker, value, line.number, line.repaired))
    if len(bundle) > 1:
        yield bundle


def iter_texts(source: Readable, problems: list[Problem], opts: Options) -> Iterator[Item]:
    head, rest = head_lines(source, problems, opts)
    markers, alignment = settle(head, opts)
    ctx = _Context(markers, alignment, problems)
    all_lines = chain(head, rest)
    ctx.order = _field_order(head, markers)
    record_markers = frozenset(m for m in (markers.record, markers.text) if m)
    started = False
    order = 0
    for rec in records(all_lines, record_markers, ctx.header):
        first = rec.fields[0]
        if markers.text and first.marker == markers.text:
            text, utt_fields = _text_head(rec, ctx, opts, first_text=not started)
            started, order = True, 0
            yield text
            if utt_fields:
                problems.append(
                    Problem(
                        f"interlinear lines in the \\{markers.text} record before any "
                        f"\\{markers.record or 'record'}: imported as an utterance",
                        utt_fields[0].line,
                        warning=True,
                    )
                )
                utt = _utterance(Record(utt_fields), order, ctx, has_id=False)
                utt.layout.setdefault("toolbox", {})["in_head"] = True
                yield utt
                order += 1
            continue
        if not started:
            yield _default_head(ctx, opts)
            started = True
        yield _utterance(rec, order, ctx, has_id=bool(markers.record))
        order += 1
    if not started:
        yield _default_head(ctx, opts)


def _field_order(head: list[Line], markers: MarkerMap) -> list[str]:
    """Record-level markers in the order the file writes them, so an export keeps it."""
    order: list[str] = []
    for line in head:
        if not line.text.startswith("\\"):
            continue
        marker = line.text[1:].split(" ", 1)[0].split("\t", 1)[0]
        if marker and marker not in order and marker not in (markers.text, "_sh"):
            order.append(marker)
    return order


def _format_meta(ctx: _Context, first_text: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "markers": ctx.markers.to_dict(),
        "alignment": ctx.alignment,
        "order": list(ctx.order),
    }
    if first_text and ctx.header:
        meta["header"] = [[f.marker, f.value] for f in ctx.header]
    return meta


def _default_head(ctx: _Context, opts: Options) -> Text:
    text = Text(id=opts.text_id, title=opts.title, language=opts.language)
    text.metadata["toolbox"] = _format_meta(ctx, True)
    return text


def _text_head(
    rec: Record, ctx: _Context, opts: Options, *, first_text: bool
) -> tuple[Text, list[Field]]:
    """A text from its ``\\id`` record; interlinear lines found in it are returned apart."""
    markers = ctx.markers
    head = rec.fields[0]
    text = Text(id=head.value.strip() or opts.text_id, title=opts.title, language=opts.language)
    inter = {markers.words, markers.transcription} - {None}
    rest: list[Field] = []
    for i, f in enumerate(rec.fields[1:], start=1):
        if f.marker in inter:
            rest = rec.fields[i:]
            break
        if markers.title and f.marker == markers.title:
            text.title = f.value
        elif f.marker in text.metadata:
            text.metadata[f.marker] = f"{text.metadata[f.marker]}\n{f.value}"
        else:
            text.metadata[f.marker] = f.value
    text.metadata["toolbox"] = _format_meta(ctx, first_text)
    return text, rest


def _utterance(rec: Record, order: int, ctx: _Context, *, has_id: bool) -> Utterance:
    markers = ctx.markers
    fields = rec.fields
    utt = Utterance(id="", order=order)
    if has_id and fields and fields[0].marker == markers.record:
        utt.id = fields[0].value.strip()
        fields = fields[1:]
    if not has_id:
        utt.id = str(order + 1)
    inter = set(markers.interlinear())
    bundles: list[dict[str, Field]] = []
    begin = end = None
    for f in fields:
        if f.marker == markers.words:
            bundles.append({f.marker: f})
        elif f.marker in inter and bundles and f.marker not in bundles[-1]:
            bundles[-1][f.marker] = f
        elif f.marker in inter and not bundles:
            ctx.problems.append(
                Problem(
                    f"\\{f.marker} line before the \\{markers.words} line it belongs under; "
                    "kept as a custom tier",
                    f.line,
                    warning=True,
                )
            )
            _add_tier(utt, f)
        elif f.marker in inter:
            ctx.problems.append(
                Problem(
                    f"second \\{f.marker} line in one interlinear bundle (a bundle holds one "
                    f"line of each marker under its \\{markers.words} line); kept as a custom tier",
                    f.line,
                    warning=True,
                )
            )
            _add_tier(utt, f)
        elif markers.transcription and f.marker == markers.transcription:
            if utt.transcription:
                utt.transcription += " " + f.value
            else:
                utt.transcription = f.value
        elif (lang := _translation_lang(markers, f.marker)) is not None:
            # Values are kept exactly (after the one space that follows the marker).
            value = f.value
            if lang in utt.translations:
                utt.more_translations.append((lang, value))
            else:
                utt.translations[lang] = value
        elif f.marker in markers.notes:
            utt.notes.append(f.value)
        elif markers.begin and f.marker == markers.begin:
            begin = _ms(f, ctx.problems)
        elif markers.end and f.marker == markers.end:
            end = _ms(f, ctx.problems)
        elif markers.speaker and f.marker == markers.speaker:
            utt.speaker = f.value.strip() or None
        else:
            _add_tier(utt, f)
    if begin is not None or end is not None:
        utt.media = MediaSpan(begin, end)
    sizes: list[int] = []
    for bundle in bundles:
        before = len(utt.words)
        if markers.aligned:
            utt.words.extend(aligned_words(bundle, ctx.markers, ctx.alignment, ctx.problems))
        else:
            utt.words.extend(counted_words(bundle, ctx.markers, ctx.problems))
        sizes.append(len(utt.words) - before)
    if not markers.transcription:
        if markers.aligned:
            utt.transcription = " ".join(w.form for w in utt.words)
        elif bundles:
            utt.transcription = bundles[0][markers.words].value
    if markers.aligned:
        utt.layout["toolbox"] = _layout(fields, markers, sizes)
    return utt


def _layout(fields: list[Field], markers: MarkerMap, sizes: list[int]) -> dict[str, Any]:
    """The record's field order (a bundle as its word line), its bundle sizes and its
    transcription lines, so an export writes the record as it was."""
    inter = set(markers.interlinear()) - {markers.words}
    order: list[str] = []
    seen_in_bundle: set[str] = set()
    tx_lines: list[int] = []
    for f in fields:
        if f.marker == markers.words:
            seen_in_bundle = set()
        elif f.marker in inter and f.marker not in seen_in_bundle:
            seen_in_bundle.add(f.marker)
            continue
        if markers.transcription and f.marker == markers.transcription:
            tx_lines.append(len(f.value))
        order.append(f.marker)
    out: dict[str, Any] = {"order": order}
    if len(sizes) > 1:
        out["bundles"] = sizes
    if len(tx_lines) > 1:
        out["tx"] = tx_lines
    return out


def _translation_lang(markers: MarkerMap, marker: str) -> str | None:
    if marker in markers.translations:
        return markers.translations[marker]
    suffixed = LANG_SUFFIX.match(marker)
    if suffixed and suffixed.group(1) == "ft":
        return suffixed.group(2)
    return None


def _add_tier(utt: Utterance, f: Field) -> None:
    value = f.value
    if f.marker in utt.tiers:
        utt.tiers[f.marker] += "\n" + value
    else:
        utt.tiers[f.marker] = value


def _ms(f: Field, problems: list[Problem]) -> int | None:
    """ELAN's Toolbox export writes times in seconds (``12.345``)."""
    try:
        return round(float(f.value.strip()) * 1000)
    except ValueError:
        problems.append(Problem(f"\\{f.marker} {f.value.strip()!r} is not a time", f.line))
        return None
