"""Writing texts as Toolbox records, in the marker set and column unit the corpus came with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from annotations.linguistic.formats.toolbox.columns import NBSP, width
from annotations.linguistic.formats.toolbox.markers import (
    PRESETS,
    TOOLBOX_IGT,
    Alignment,
    MarkerMap,
)
from annotations.linguistic.model import Morpheme, Text, Utterance, Word

_PREFIXLIKE = {"prefix", "proclitic", "prefixing interfix"}


def format_of(text: Text) -> tuple[MarkerMap | None, Alignment | None, dict[str, Any]]:
    """The marker map and column unit a text was imported with (None if not from Toolbox)."""
    meta = text.metadata.get("toolbox")
    if not isinstance(meta, dict):
        return None, None, {}
    try:
        markers = MarkerMap.from_dict(meta.get("markers", {}))
    except (TypeError, ValueError):
        markers = None
    alignment = meta.get("alignment")
    return markers, alignment if alignment in ("bytes", "characters") else None, meta


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]],
    *,
    markers: MarkerMap | str | None = None,
    alignment: Alignment | None = None,
    translation_lang: str | None = None,
) -> Iterator[str]:
    """Toolbox chunks, one per record, from text heads with lazily read utterances.

    Without ``markers`` each text is written with the marker map it was imported with, or the
    Toolbox interlinear preset; columns are padded in the unit it came with (bytes for a
    classic Toolbox file, characters otherwise). ``translation_lang`` renames the main
    translation marker's language (the old single-language option).
    """
    first = True
    for text, utterances in texts:
        own, own_align, meta = format_of(text)
        chosen = PRESETS[markers] if isinstance(markers, str) else markers
        mm = chosen or own or TOOLBOX_IGT
        if translation_lang and mm.translations:
            main = next(iter(mm.translations))
            mm = replace(mm, translations={**mm.translations, main: translation_lang})
        unit: Alignment = alignment or own_align or "characters"
        order = [str(m) for m in meta.get("order", [])] if mm is own else []
        if first:
            header = meta.get("header") or []
            if header:
                yield "".join(_line(str(m), str(v)) for m, v in header) + "\n"
            first = False
        head = _head(text, mm) if mm.text else ""
        for utt in utterances:
            layout = utt.layout.get("toolbox")
            if head and isinstance(layout, dict) and layout.get("in_head") and mm is own:
                # Interlinear lines the text's own record held, before any utterance record.
                yield head[:-1] + _utterance(utt, mm, unit, order, with_record=False)
            else:
                yield head + _utterance(utt, mm, unit, order)
            head = ""
        if head:
            yield head


def _line(marker: str, value: str) -> str:
    return f"\\{marker} {value}\n" if value else f"\\{marker}\n"


def _head(text: Text, mm: MarkerMap) -> str:
    out = [_line(mm.text or "id", text.id)]
    if text.title and mm.title:
        out.append(_line(mm.title, text.title))
    for key, value in text.metadata.items():
        if key == "toolbox" or not isinstance(value, str):
            continue
        out.extend(_line(key, v) for v in value.split("\n"))
    return "".join(out) + "\n"


def _utterance(
    utt: Utterance,
    mm: MarkerMap,
    unit: Alignment,
    order: list[str],
    *,
    with_record: bool = True,
) -> str:
    layout = utt.layout.get("toolbox") if order else None
    fields: list[tuple[str, str]] = []
    if mm.record and with_record:
        fields.append((mm.record, utt.id))
    blocks: list[list[tuple[str, str]]] = []
    tx_values = [utt.transcription]
    if mm.aligned:
        sizes = [len(utt.words)]
        if isinstance(layout, dict):
            sizes = [int(n) for n in layout.get("bundles", sizes)]
            tx_values = _split_lines(utt.transcription, layout.get("tx"))
        if sum(sizes) != len(utt.words):
            sizes = [len(utt.words)]
        at = 0
        for n in sizes:
            if n or utt.words:
                blocks.append(_aligned_lines(utt.words[at : at + n], mm, unit))
            at += n
        blocks = [b for b in blocks if b]
    else:
        blocks = [_counted_lines(utt, mm)]
    if mm.transcription:
        fields.extend((mm.transcription, v) for v in tx_values)
    tail: list[tuple[str, str]] = []
    for lang, value in utt.translations.items():
        tail.append((mm.translation_marker(lang), value))
    tail.extend((mm.translation_marker(lang), value) for lang, value in utt.more_translations)
    if utt.media is not None:
        if utt.media.start_ms is not None and mm.begin:
            tail.append((mm.begin, f"{utt.media.start_ms / 1000:.3f}"))
        if utt.media.end_ms is not None and mm.end:
            tail.append((mm.end, f"{utt.media.end_ms / 1000:.3f}"))
    if utt.speaker and mm.speaker:
        tail.append((mm.speaker, utt.speaker))
    note = mm.notes[0] if mm.notes else "nt"
    tail.extend((note, n) for n in utt.notes)
    for key, value in utt.tiers.items():
        tail.extend((key, v) for v in value.split("\n"))
    if isinstance(layout, dict) and "order" in layout:
        head_fields = fields[:1] if mm.record and with_record else []
        out = head_fields + _in_layout(
            [str(m) for m in layout["order"]], fields[len(head_fields) :], blocks, tail, mm
        )
    elif order:
        rank = {m: i for i, m in enumerate(order)}
        head_fields = fields[:1] if mm.record else []
        # Keep the file's own field order (stable, so repeated markers keep theirs), with the
        # interlinear lines as one block where the word line stood.
        groups = [[f] for f in fields[len(head_fields) :]] + blocks + [[f] for f in tail]
        groups.sort(key=lambda g: rank.get(g[0][0], len(rank)))
        out = head_fields + [f for g in groups for f in g]
    else:
        out = fields + [f for b in blocks for f in b] + tail
    return "".join(_line(m, v) for m, v in out) + "\n"


def _split_lines(value: str, lengths: object) -> list[str]:
    """A transcription joined from several lines, split where it was joined (if unchanged)."""
    if not isinstance(lengths, list) or sum(lengths) + len(lengths) - 1 != len(value):
        return [value]
    out, at = [], 0
    for n in lengths:
        out.append(value[at : at + int(n)])
        at += int(n) + 1
    return out


def _in_layout(
    order: list[str],
    fields: list[tuple[str, str]],
    blocks: list[list[tuple[str, str]]],
    tail: list[tuple[str, str]],
    mm: MarkerMap,
) -> list[tuple[str, str]]:
    """Fields in the record's own order; anything new goes after them."""
    queues: dict[str, list[tuple[str, str]]] = {}
    for f in fields + tail:
        queues.setdefault(f[0], []).append(f)
    pending = list(blocks)
    out: list[tuple[str, str]] = []
    for marker in order:
        if marker == mm.words:
            if pending:
                out.extend(pending.pop(0))
        elif queues.get(marker):
            out.append(queues[marker].pop(0))
    for block in pending:
        out.extend(block)
    # What the record did not have before (an added translation) goes last; an empty value
    # that the record did not write stays unwritten.
    out.extend(
        f for f in fields + tail if f[1] and any(f is q for q in queues.get(f[0], []))
    )
    return out


def _counted_lines(utt: Utterance, mm: MarkerMap) -> list[tuple[str, str]]:
    out = [(mm.words, utt.transcription or " ".join(w.form for w in utt.words))]
    words = utt.words
    if mm.morphemes and any(w.morphemes for w in words):
        out.append((mm.morphemes, " ".join(w.segmentation or w.form for w in words)))
    if mm.pos and (any(w.pos for w in words) or any(m.pos for w in words for m in w.morphemes)):
        out.append((mm.pos, " ".join(_joined(w, "pos") for w in words)))
    if mm.gloss and any(w.joined_gloss for w in words):
        out.append((mm.gloss, " ".join(w.joined_gloss for w in words)))
    return out


def _joined(word: Word, attr: str) -> str:
    if not word.morphemes:
        return str(getattr(word, attr))
    return "".join(m.boundary + str(getattr(m, attr)) for m in word.morphemes)


def morph_tokens(morphs: list[Morpheme]) -> list[tuple[str, str, str]]:
    """(lead, form, trail) per morph, Toolbox style: a prefix carries the boundary after it
    (``la-``), other morphs the one before (``-È``)."""
    out = []
    for i, m in enumerate(morphs):
        nxt = morphs[i + 1].boundary if i + 1 < len(morphs) else ""
        if m.morph_type in _PREFIXLIKE and (nxt or i + 1 == len(morphs)):
            trail = nxt or ("=" if m.morph_type == "proclitic" else "-")
        else:
            trail = ""
        prev_trails = i > 0 and out[-1][2] != ""
        lead = "" if prev_trails else m.boundary
        if i == 0 and m.morph_type in ("suffix", "enclitic"):
            lead = "=" if m.morph_type == "enclitic" else "-"
        out.append((lead, m.form, trail))
    return out


def _cell(value: str) -> str:
    # A space would split the token into two columns on reading: write a no-break space.
    return value.replace(" ", NBSP)


def _aligned_lines(words: list[Word], mm: MarkerMap, unit: Alignment) -> list[tuple[str, str]]:
    """The bundle's lines, every column padded to its widest cell plus one space."""
    gloss_lines: list[tuple[str, str | None]] = []
    if mm.gloss:
        gloss_lines.append((mm.gloss, None))
    gloss_lines.extend((m, lang) for m, lang in mm.glosses.items())
    langs = {lang for w in words for lang in w.glosses} | {
        lang for w in words for m in w.morphemes for lang in m.glosses
    }
    for lang in sorted(langs - set(mm.glosses.values()) - {mm.gloss_lang}):
        gloss_lines.append((mm.gloss_marker(lang), lang))
    has_morphs = any(w.morphemes for w in words)
    has_pos = any(w.pos for w in words if not w.morphemes) or any(
        m.pos for w in words for m in w.morphemes
    )
    word_gloss = any(w.gloss for w in words if w.morphemes)
    word_pos = any(w.pos for w in words if w.morphemes)
    rows: dict[str, list[str]] = {}
    order: list[str] = [mm.words]
    if has_morphs and mm.morphemes:
        order.append(mm.morphemes)
    glossed = [
        (marker, lang) for marker, lang in gloss_lines
        if any(_gloss_of(w, lang) for w in words)
        or any(_morph_gloss(m, lang) for w in words for m in w.morphemes)
    ]  # fmt: skip
    order.extend(marker for marker, _ in glossed)
    if has_pos and mm.pos:
        order.append(mm.pos)
    wg = mm.word_gloss or ("wg" if word_gloss else None)
    wp = mm.word_pos or ("wps" if word_pos else None)
    if word_gloss and wg:
        order.append(wg)
    if word_pos and wp:
        order.append(wp)
    for marker in order:
        rows[marker] = []
    for word in words:
        cols: list[dict[str, str]] = []
        if word.morphemes and mm.morphemes:
            for (lead, form, trail), m in zip(morph_tokens(word.morphemes), word.morphemes,
                                              strict=True):  # fmt: skip
                col = {mm.morphemes: lead + _cell(form) + trail}
                for marker, lang in glossed:
                    value = _morph_gloss(m, lang)
                    col[marker] = lead + _cell(value) + trail if value else ""
                if mm.pos and mm.pos in rows:
                    col[mm.pos] = lead + _cell(m.pos) + trail if m.pos else ""
                cols.append(col)
        else:
            col = {}
            for marker, lang in glossed:
                col[marker] = _cell(_gloss_of(word, lang))
            if mm.pos and mm.pos in rows:
                col[mm.pos] = _cell(word.pos)
            cols.append(col)
        # A word's own cell spans all its morph columns.
        whole = {mm.words: _cell(word.form) or "*"}
        if wg and wg in rows:
            whole[wg] = _cell(word.gloss) if word.morphemes else ""
        if wp and wp in rows:
            whole[wp] = _cell(word.pos) if word.morphemes else ""
        widths = [max((width(v, unit) for v in c.values()), default=0) + 1 for c in cols]
        span = max(sum(widths), max(width(v, unit) for v in whole.values()) + 1)
        widths[-1] += span - sum(widths)
        for marker in rows:
            if marker in whole:
                value = whole[marker]
                rows[marker].append(value + " " * (span - width(value, unit)))
            else:
                rows[marker].append(
                    "".join(
                        c.get(marker, "") + " " * (w - width(c.get(marker, ""), unit))
                        for c, w in zip(cols, widths, strict=True)
                    )
                )
    return [(marker, "".join(cells).rstrip()) for marker, cells in rows.items()]


def _gloss_of(word: Word, lang: str | None) -> str:
    return word.gloss if lang is None else word.glosses.get(lang, "")


def _morph_gloss(m: Morpheme, lang: str | None) -> str:
    return m.gloss if lang is None else m.glosses.get(lang, "")
