"""One interlinear bundle (a word line and the lines under it) as words and morphemes.

Toolbox bundles are read by column (``aligned_words``: each token of a lower line goes to the
morph it starts under, in the file's, the bundle's or the line's own unit); SIGMORPHON lines
by count (``counted_words``: one token per word). What does not fit is kept and reported with
its line and why.
"""

from __future__ import annotations

import re

from annotations.linguistic.formats.toolbox.columns import (
    owner,
    split_token,
    tokens,
    unescape,
)
from annotations.linguistic.formats.toolbox.lines import Field
from annotations.linguistic.formats.toolbox.markers import Alignment, MarkerMap
from annotations.linguistic.formats.toolbox.writer import morph_tokens
from annotations.linguistic.model import Morpheme, Word
from annotations.xmlsafe import Problem

_BOUNDARY = re.compile(r"([-=])")


def gloss_markers(markers: MarkerMap) -> list[tuple[str, str | None]]:
    """(marker, language) of every gloss line; None is the main gloss."""
    out: list[tuple[str, str | None]] = []
    if markers.gloss:
        out.append((markers.gloss, None))
    out.extend((m, lang) for m, lang in markers.glosses.items())
    return out


def aligned_words(
    bundle: dict[str, Field], markers: MarkerMap, alignment: Alignment, problems: list[Problem]
) -> list[Word]:
    """Words of one bundle, each token of a lower line given to the column it starts under."""
    base = bundle[markers.words]
    unit = _bundle_unit(bundle, markers, alignment)
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
        for marker, lang in (*gloss_markers(markers), (markers.pos or "", "pos")):
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
    for marker, lang in (*gloss_markers(markers), (markers.pos or "", "pos")):
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
    valued = {m for m, _ in gloss_markers(markers)} | {markers.pos or ""}
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


def counted_words(
    bundle: dict[str, Field], markers: MarkerMap, problems: list[Problem]
) -> list[Word]:
    """SIGMORPHON lines: one space-separated token per word, morphs joined by - or =."""
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
