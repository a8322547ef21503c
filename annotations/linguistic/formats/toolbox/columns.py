"""Interlinear columns: which token of an aligned line sits under which word and morph.

Toolbox pads each column so that the tokens of one morph start at the same column on every
line of a bundle. Classic Toolbox counts that column in UTF-8 *bytes* (so after ``ù`` a column
is one further along than it looks); newer files and other tools count characters, with
combining marks taking no width. ``detect_alignment`` picks the one that lines up a file's
columns; both are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from annotations.linguistic.formats.toolbox.lines import Field
from annotations.linguistic.formats.toolbox.markers import Alignment

_TOKEN = re.compile(r"[^ \t]+")
BOUNDARIES = "-="
NBSP = "\u00a0"


def width(s: str, alignment: Alignment) -> int:
    if alignment == "bytes":
        return len(s.encode("utf-8"))
    return sum(1 for ch in s if not unicodedata.combining(ch))


def tokens(f: Field, alignment: Alignment) -> list[tuple[int, str]]:
    """(column, token) of each token of a line; a repaired (single-byte) line counts chars."""
    unit: Alignment = "characters" if f.repaired else alignment
    out = []
    col = 0
    last = 0
    for m in _TOKEN.finditer(f.value):
        col += width(f.value[last : m.start()], unit)
        out.append((col, m.group()))
        col += width(m.group(), unit)
        last = m.end()
    return out


def owner(cols: list[int], col: int) -> int:
    """Index of the column a token starting at ``col`` belongs to: the last one at or before it."""
    i = 0
    while i + 1 < len(cols) and col >= cols[i + 1]:
        i += 1
    return i


def detect_alignment(bundles: Iterable[list[Field]]) -> Alignment:
    """Bytes or characters: whichever puts more tokens of the lines below the word line at a
    column where a token of the line above starts."""
    score = {"bytes": 0, "characters": 0}
    non_ascii = False
    for bundle in bundles:
        for upper, lower in zip(bundle, bundle[1:], strict=False):
            if not (upper.value.isascii() and lower.value.isascii()):
                non_ascii = True
            for unit in ("bytes", "characters"):
                starts = {c for c, _ in tokens(upper, unit)}  # type: ignore[arg-type]
                score[unit] += sum(1 for c, _ in tokens(lower, unit) if c in starts)  # type: ignore[arg-type]
    if not non_ascii:
        return "characters"
    return "bytes" if score["bytes"] > score["characters"] else "characters"


def split_token(tok: str) -> tuple[list[tuple[str, str]], str]:
    """A morph-line token as (boundary before, form) pieces and a trailing boundary.

    ``-È`` -> ([("-", "È")], ""); ``la-`` -> ([("", "la")], "-"); ``a-b`` -> two pieces;
    a lone ``-`` -> ([], "-").
    """
    if tok in BOUNDARIES or not tok.strip(BOUNDARIES):
        return [], tok[-1:]
    lead = tok[0] if tok[0] in BOUNDARIES else ""
    trail = tok[-1] if tok[-1] in BOUNDARIES else ""
    body = tok[len(lead) : len(tok) - len(trail)]
    if NBSP in body:
        # Written by Fieldmark for a value with spaces in it: one value, not to be split.
        return [(lead, unescape(body))], trail
    parts = re.split(r"([-=])", body)
    pieces = [(lead, parts[0])]
    pieces.extend((parts[i], parts[i + 1]) for i in range(1, len(parts), 2))
    return pieces, trail


def unescape(value: str) -> str:
    """A cell's value: the no-break spaces that kept it one token are spaces again."""
    return value.replace(NBSP, " ")


def gloss_pieces(values: list[str]) -> list[str]:
    """The per-morph values of a gloss cell (its tokens joined), split at boundaries."""
    out: list[str] = []
    for tok in values:
        pieces, _ = split_token(tok)
        out.extend(form for _, form in pieces)
    return out
