"""SIGMORPHON 2023 glossing files (Lezgi, Uspanteko; track 1 unsegmented, track 2 segmented):
the counts after import equal an independent regex count of the lines."""

from __future__ import annotations

import re

import pytest

from annotations.linguistic.formats import toolbox
from annotations.xmlsafe import Problem
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

FILES = [
    f"glossing/{lang}/{code}-{split}-track{track}-uncovered"
    for lang, code in (("Lezgi", "lez"), ("Uspanteko", "usp"))
    for split in ("train", "dev")
    for track in (1, 2)
]


def _lines(data: bytes, marker: str) -> list[str]:
    text = data.decode("utf-8")
    return [m.group(1) for m in re.finditer(rf"^\\{marker}(?: (.*))?$", text, re.M) if m]


def _pieces(token: str) -> list[str]:
    # Empty pieces count too: "qa-" and "a--na'" hold an empty morph slot, as the files gloss it.
    return re.split(r"[-=]", token)


@pytest.mark.parametrize("relative", FILES)
def test_shared_sigmorphon_counts_equal_an_independent_count(relative: str) -> None:
    data = shared_file(relative).read_bytes()
    warnings: list[Problem] = []
    [text] = toolbox.loads(data, warnings=warnings)
    utts = text.utterances
    words = [w for u in utts for w in u.words]
    morphs = [m for w in words for m in w.morphemes]
    t_lines = [v or "" for v in _lines(data, "t")]
    m_lines = [v or "" for v in _lines(data, "m")]
    g_lines = [v or "" for v in _lines(data, "g")]
    l_lines = [v or "" for v in _lines(data, "l")]

    assert len(utts) == len(t_lines)
    assert len(words) == sum(len(v.split()) for v in t_lines)
    assert sum(bool(u.translations) for u in utts) == sum(1 for v in l_lines if v.strip())
    if m_lines:
        assert len(morphs) == sum(len(_pieces(tok)) for v in m_lines for tok in v.split())
        glossed = sum(1 for m in morphs if m.gloss)
    else:
        assert morphs == []
        glossed = sum(1 for w in words if w.gloss)
    pieces = sum(
        sum(1 for p in _pieces(t) if p) if m_lines else 1 for v in g_lines for t in v.split()
    )
    assert glossed == pieces
    assert warnings == []
