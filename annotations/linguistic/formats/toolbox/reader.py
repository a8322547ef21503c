"""Reading Toolbox interlinear databases and SIGMORPHON files into texts and utterances."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any

from annotations.linguistic.formats.stream import Item
from annotations.linguistic.formats.toolbox.columns import (
    detect_alignment,
    owner,
    split_token,
    tokens,
    unescape,
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
from annotations.linguistic.formats.toolbox.writer import morph_tokens
from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word
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
            utt.words.extend(_aligned_words(bundle, ctx))
        else:
            utt.words.extend(_counted_words(bundle, ctx))
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


def _gloss_markers(markers: MarkerMap) -> list[tuple[str, str | None]]:
    """(marker, language) of every gloss line; None is the main gloss."""
    out: list[tuple[str, str | None]] = []
    if markers.gloss:
        out.append((markers.gloss, None))
    out.extend((m, lang) for m, lang in markers.glosses.items())
    return out


def _aligned_words(bundle: dict[str, Field], ctx: _Context) -> list[Word]:
    """Words of one bundle, each token of a lower line given to the column it starts under."""
    markers, problems = ctx.markers, ctx.problems
    base = bundle[markers.words]
    unit = _bundle_unit(bundle, markers, ctx.alignment)
    word_toks = tokens(base, unit)
    if not word_toks:
        return []
    starts = [c for c, _ in word_toks]
    words = [Word(form=unescape(t)) for _, t in word_toks]
    line_toks = _bundle_tokens(bundle, markers, unit)

    def per_word(marker: str | None) -> list[list[tuple[int, str]]] | None:
        if not marker or marker not in bundle:
            return None
        cells: list[list[tuple[int, str]]] = [[] for _ in words]
        early = []
        for col, tok in line_toks[marker]:
            if col < starts[0]:
                early.append(tok)
            cells[owner(starts, col)].append((col, tok))
        if early:
            problems.append(
                Problem(
                    f"{' '.join(early)!r} on \\{marker} starts before the first word; "
                    "given to the first word",
                    bundle[marker].line,
                    warning=True,
                )
            )
        return cells

    for marker, attr in ((markers.word_gloss, "gloss"), (markers.word_pos, "pos")):
        cells = per_word(marker)
        if cells is not None:
            for word, cell in zip(words, cells, strict=True):
                setattr(word, attr, unescape(" ".join(t for _, t in cell)))

    morph_cells = per_word(markers.morphemes)
    if morph_cells is None:
        # Unsegmented words: the gloss lines gloss the word itself.
        for marker, lang in (*_gloss_markers(markers), (markers.pos or "", "pos")):
            cells = per_word(marker)
            if cells is None:
                continue
            for word, cell in zip(words, cells, strict=True):
                value = unescape(" ".join(t for _, t in cell))
                if lang == "pos":
                    word.pos = value
                elif lang is None:
                    word.gloss = value
                elif value:
                    word.glosses[lang] = value
        return words

    parsed = [_morphs(cell) for cell in morph_cells]
    for word, (morphs, _, _) in zip(words, parsed, strict=True):
        word.morphemes = morphs
    n_tokens = sum(len(cols) for _, cols, _ in parsed)
    for marker, lang in (*_gloss_markers(markers), (markers.pos or "", "pos")):
        if not marker or marker not in bundle:
            continue
        line = bundle[marker].line
        found: list[Problem] = []
        values = _line_values(words, parsed, per_word(marker) or [], marker, line, found)
        kept = [(c, t) for c, t in line_toks[marker] if t.strip("-=")]
        if found and n_tokens and len(kept) == n_tokens:
            # The columns do not fit, but there are as many values as morph tokens: a hand edit
            # shifted the line, so pair them in order.
            it = iter(kept)
            cells = [[(col, next(it)[1]) for col in cols] for _, cols, _ in parsed]
            found = []
            values = _line_values(words, parsed, cells, marker, line, found)
            by_column = False
        else:
            by_column = True
        problems.extend(found)
        cells_by_word = (per_word(marker) or []) if by_column else []
        for wi, (word, word_values) in enumerate(zip(words, values, strict=True)):
            if not word.morphemes and wi < len(cells_by_word) and cells_by_word[wi]:
                # Nothing on the morph line under this word: the values gloss the word.
                value = unescape(" ".join(t for _, t in cells_by_word[wi]))
                if lang == "pos":
                    word.pos = value
                elif lang is None:
                    word.gloss = value
                else:
                    word.glosses[lang] = value
            for morph, value in zip(word.morphemes, word_values, strict=True):
                if lang == "pos":
                    morph.pos = value
                elif lang is None:
                    morph.gloss = value
                elif value:
                    morph.glosses[lang] = value
    return words


def _bundle_tokens(
    bundle: dict[str, Field], markers: MarkerMap, unit: Alignment
) -> dict[str, list[tuple[int, str]]]:
    """Each line's tokens, at columns in the bundle's unit. A gloss or POS line that lines up
    with the morph line only in the other unit (a line padded by a tool that counted
    characters while the rest of the record counts bytes, or the reverse) is read in that
    unit, each token placed under the morph it starts under there."""
    toks = {marker: tokens(f, unit) for marker, f in bundle.items()}
    anchor = bundle.get(markers.morphemes or "")
    if anchor is None or not toks[anchor.marker]:
        return toks
    other: Alignment = "characters" if unit == "bytes" else "bytes"
    here = [c for c, _ in toks[anchor.marker]]
    there = [c for c, _ in tokens(anchor, other)]
    if here == there:
        return toks
    valued = {m for m, _ in _gloss_markers(markers)} | {markers.pos or ""}
    for marker in valued & set(bundle):
        if bundle[marker].repaired:
            continue
        theirs = tokens(bundle[marker], other)
        if _hits(theirs, there) > _hits(toks[marker], here):
            toks[marker] = _placed(theirs, there, here)
    return toks


def _placed(
    toks: list[tuple[int, str]], there: list[int], here: list[int]
) -> list[tuple[int, str]]:
    """Tokens laid out against morph columns ``there`` moved under the same morphs at their
    columns ``here``."""
    placed = []
    for col, tok in toks:
        k = owner(there, col)
        moved = here[k] + max(col - there[k], 0) if col >= there[0] else col
        if k + 1 < len(here):
            moved = min(moved, here[k + 1] - 1)
        placed.append((moved, tok))
    return placed


def _hits(lower: list[tuple[int, str]], starts: list[int]) -> int:
    known = set(starts)
    return sum(1 for c, _ in lower if c in known)


def _bundle_unit(bundle: dict[str, Field], markers: MarkerMap, unit: Alignment) -> Alignment:
    """The file's column unit, unless this bundle's morph line lines up with its word line
    only in the other one (a record edited by another tool)."""
    below = bundle.get(markers.morphemes or "") or next(
        (bundle[m] for m in markers.interlinear()[1:] if m in bundle), None
    )
    base = bundle[markers.words]
    if below is None or (base.value.isascii() and below.value.isascii()):
        return unit
    other: Alignment = "characters" if unit == "bytes" else "bytes"

    def hits(u: Alignment) -> int:
        starts = {c for c, _ in tokens(base, u)}
        return sum(1 for c, _ in tokens(below, u) if c in starts)

    return other if hits(other) > hits(unit) else unit


def _line_values(
    words: list[Word],
    parsed: list[tuple[list[Morpheme], list[int], list[int]]],
    cells: list[list[tuple[int, str]]],
    marker: str,
    line: int,
    problems: list[Problem],
) -> list[list[str]]:
    """One line's per-morph values for every word of the bundle."""
    out: list[list[str]] = []
    for wi, (word, (_, token_cols, token_pieces)) in enumerate(zip(words, parsed, strict=True)):
        cell = cells[wi] if wi < len(cells) else []
        out.append(
            _word_values(word, wi, cell, token_cols, token_pieces, marker, line, problems)
            if word.morphemes
            else []
        )
    return out


def _word_values(
    word: Word,
    wi: int,
    cell: list[tuple[int, str]],
    token_cols: list[int],
    token_pieces: list[int],
    marker: str,
    line: int,
    problems: list[Problem],
) -> list[str]:
    """A word's per-morph values on one line (gloss, a further gloss language, POS)."""
    spans: list[str] = []
    # What the writer puts around a gloss cell: its morph's own boundary marks (-ART, CAUS-).
    marks = morph_tokens(word.morphemes)
    firsts, at = [], 0
    for n in token_pieces:
        firsts.append((marks[at][0], marks[at][2]) if at < len(marks) else ("", ""))
        at += n
    values = _morph_values(cell, token_cols, token_pieces, spans, firsts)
    if spans:
        problems.append(
            Problem(
                f"word {wi + 1} {word.form!r}: {', '.join(map(repr, spans))} on "
                f"\\{marker} stand under one morph; kept together (this line's columns do "
                "not match the morph line's here, in bytes or characters: a line edited, or "
                "padded, without re-aligning the record)",
                line,
                warning=True,
            )
        )
    if values is not None:
        return values
    flat = [form for _, tok in cell for form in _pieces(tok)]
    if len(flat) == len(word.morphemes):
        return flat
    problems.append(
        Problem(
            f"word {wi + 1} {word.form!r} has {len(word.morphemes)} morphemes "
            f"but {len(flat)} values on \\{marker} "
            f"({' '.join(t for _, t in cell)!r}); the first ones kept in order (a value "
            f"{'missing' if len(flat) < len(word.morphemes) else 'too many'} under this word, "
            "or its morphs changed on the morph line without the other lines)",
            line,
            warning=True,
        )
    )
    return (flat + [""] * len(word.morphemes))[: len(word.morphemes)]


def _unmark(value: str, lead: str, trail: str) -> str:
    """A gloss cell without the boundary marks it shares with its morph (``-ART`` under
    ``-È``, ``CAUS-`` under ``la-``); a gloss that itself starts with one keeps it."""
    if lead and len(value) > 1 and value[0] in "-=":
        value = value[1:]
    if trail and len(value) > 1 and value[-1] in "-=":
        value = value[:-1]
    return value


def _pieces(tok: str) -> list[str]:
    pieces, _ = split_token(tok)
    return [form for _, form in pieces]


def _morphs(cell: list[tuple[int, str]]) -> tuple[list[Morpheme], list[int], list[int]]:
    """The morphemes under one word, with each morph-line token's column and piece count."""
    morphs: list[Morpheme] = []
    cols: list[int] = []
    counts: list[int] = []
    carry = ""
    for col, tok in cell:
        pieces, trail = split_token(tok)
        if not pieces:
            carry = trail
            continue
        for k, (lead, form) in enumerate(pieces):
            boundary = lead or (carry if k == 0 else "")
            morph = Morpheme(form=form, boundary=boundary if morphs else "")
            if k == 0 and boundary and not morphs:
                morph.morph_type = "suffix" if boundary == "-" else "enclitic"
            morphs.append(morph)
        carry = trail
        if trail:
            morphs[-1].morph_type = "prefix" if trail == "-" else "proclitic"
        cols.append(col)
        counts.append(len(pieces))
    if carry and morphs and not morphs[-1].morph_type:
        # A lone boundary after a word's last morph ("lè -"): the morph is written "lè-".
        morphs[-1].morph_type = "prefix" if carry == "-" else "proclitic"
    if morphs and morphs[0].boundary:
        morphs[0].boundary = ""
    return morphs, cols, counts


def _morph_values(
    cell: list[tuple[int, str]],
    cols: list[int],
    counts: list[int],
    spans: list[str],
    marks: list[tuple[str, str]],
) -> list[str] | None:
    """Per-morph values of one line under one word by column, or None if a token's pieces do
    not match its morph token's."""
    per_token: list[list[str]] = [[] for _ in cols]
    for col, tok in cell:
        if tok.strip("-="):
            per_token[owner(cols, col)].append(tok)
    out: list[str] = []
    for toks, n, (lead, trail) in zip(per_token, counts, marks, strict=True):
        if not toks:
            out.extend([""] * n)
            continue
        if (
            n == 1
            and len(toks) == 1
            and len(_pieces(toks[0])) > 1
            and any(not other for other in per_token)
        ):
            # "3SG-PST-" under "a-" with nothing under "li-": one value spans two morphs, so
            # the word's values are read in order instead. ("là-bas" alone stays whole.)
            return None
        if n == 1:
            # Two tokens in one morph's column: a line out of step with the morph line (Toolbox
            # itself cannot write a space inside a gloss). Both are kept, and reported.
            if len(toks) > 1:
                spans.append(" ".join(toks))
            out.append(unescape(_unmark(" ".join(toks), lead, trail)))
            continue
        pieces = [form for tok in toks for form in _pieces(tok)]
        if len(pieces) != n:
            return None
        out.extend(pieces)
    return out


def _counted_words(bundle: dict[str, Field], ctx: _Context) -> list[Word]:
    """SIGMORPHON lines: one space-separated token per word, morphs joined by - or =."""
    markers, problems = ctx.markers, ctx.problems
    forms = bundle[markers.words].value.split()

    def toks(marker: str | None) -> list[str] | None:
        if not marker or marker not in bundle:
            return None
        values = bundle[marker].value.split()
        # An empty line (a "covered" file for a glossing task) means not glossed yet.
        return values or None

    segs = toks(markers.morphemes)
    glosses = toks(markers.gloss)
    poses = toks(markers.pos)
    for marker, values in ((markers.morphemes, segs), (markers.gloss, glosses),
                           (markers.pos, poses)):  # fmt: skip
        if values is not None and marker and len(values) != len(forms):
            problems.append(
                Problem(
                    f"{len(forms)} words but {len(values)} tokens on \\{marker}; "
                    "the first ones kept in order",
                    bundle[marker].line,
                    warning=True,
                )
            )
    words: list[Word] = []
    for i, form in enumerate(forms):
        word = Word(form=form)
        seg = segs[i] if segs is not None and i < len(segs) else None
        gl = glosses[i] if glosses is not None and i < len(glosses) else None
        ps = poses[i] if poses is not None and i < len(poses) else None
        if seg is None:
            word.gloss = gl or ""
            word.pos = ps or ""
            words.append(word)
            continue
        pieces = _sig_split(seg)
        word.morphemes = [Morpheme(form=f, boundary=b) for b, f in pieces]
        for value, attr, marker in ((gl, "gloss", markers.gloss), (ps, "pos", markers.pos)):
            if value is None or marker is None:
                continue
            parts = _sig_split(value)
            if len(parts) != len(pieces):
                problems.append(
                    Problem(
                        f"word {i + 1} {seg!r} has {len(pieces)} morphemes but "
                        f"{len(parts)} {'glosses' if attr == 'gloss' else 'POS tags'} "
                        f"({value!r})",
                        bundle[marker].line,
                        warning=True,
                    )
                )
                parts = (parts + [("", "")] * len(pieces))[: len(pieces)]
            for morph, (_, v) in zip(word.morphemes, parts, strict=True):
                setattr(morph, attr, v)
        words.append(word)
    return words


def _sig_split(token: str) -> list[tuple[str, str]]:
    """``a-b=c`` -> [("", "a"), ("-", "b"), ("=", "c")]."""
    if "-" not in token and "=" not in token:
        return [("", token)]
    parts = _BOUNDARY.split(token)
    out = [("", parts[0])]
    out.extend((parts[i], parts[i + 1]) for i in range(1, len(parts), 2))
    return out
