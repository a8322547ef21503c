"""Both linguistic CSV writers neutralise spreadsheet formulas (OWASP), and the reader gives back
values that legitimately begin with ``-``, ``=`` or a quote."""

from __future__ import annotations

import csv
import io

from annotations.linguistic.formats import csv as csvfmt
from annotations.linguistic.model import Morpheme, Text, Utterance, Word

RISKY = ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _texts() -> list[Text]:
    words = [
        Word(
            form=f"w{i}{value}",
            gloss=value,
            pos="N",
            morphemes=[
                Morpheme(form="kitab", gloss="book"),
                Morpheme(form="-ar", boundary="-", gloss=value, lemma="'=literal"),
            ],
        )
        for i, value in enumerate(RISKY)
    ]
    utterance = Utterance(
        id="u1", order=0, transcription="=1+1", words=words, translations={"en": "@everyone"}
    )
    return [Text(id="=t", utterances=[utterance])]


def _cells(lines: list[str]) -> list[str]:
    return [cell for row in csv.reader(io.StringIO("".join(lines[1:]), newline="")) for cell in row]


def _risky(cell: str) -> bool:
    if cell[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_morpheme_rows_neutralise_formulas_and_read_back_exactly() -> None:
    texts = _texts()
    lines = list(csvfmt.iter_morpheme_rows(texts, ["en"]))
    cells = _cells(lines)

    assert [cell for cell in cells if _risky(cell)] == []
    assert "'-2+3" in cells and "'@everyone" in cells and "'-" in cells and "''=literal" in cells
    assert csvfmt.loads("".join(lines).encode()) == texts


def test_utterance_rows_neutralise_formulas() -> None:
    cells = _cells(list(csvfmt.iter_utterance_rows(_texts(), ["en"])))

    assert [cell for cell in cells if _risky(cell)] == []
    assert cells[:4] == ["'=t", "u1", "0", "'=1+1"]


def test_numbers_stay_numbers() -> None:
    utterance = Utterance(id="-5", order=-3, words=[Word(form="-0.5")])
    cells = _cells(list(csvfmt.iter_utterance_rows([Text(id="t", utterances=[utterance])], [])))

    assert cells[1:3] == ["-5", "-3"]
