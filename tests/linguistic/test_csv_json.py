"""CSV (per morpheme and per utterance) and JSON Lines."""

from __future__ import annotations

import pytest

from annotations.linguistic.formats import csv as csvfmt
from annotations.linguistic.formats import json as jsonfmt
from annotations.linguistic.model import Text, Utterance, Word
from annotations.xmlsafe import FormatError
from tests.linguistic.factory import corpus


def _csv_corpus() -> list[Text]:
    texts = corpus(3, 25, media=False)
    for t in texts:
        t.language = None  # text metadata is not part of the CSV layout
    texts[0].utterances.append(
        Utterance(id="empty", order=25, transcription="...", translations={"en": "nothing"})
    )
    texts[0].utterances.append(
        Utterance(
            id="plain", order=26, transcription="a, b", words=[Word("a,", "x", "n"), Word("b", "y")]
        )
    )
    return texts


def test_csv_morpheme_rows_round_trip() -> None:
    texts = _csv_corpus()
    out = "".join(csvfmt.iter_morpheme_rows(texts, csvfmt.translation_languages(texts)))
    assert csvfmt.loads(out.encode()) == texts


def test_csv_header_and_rows() -> None:
    texts = _csv_corpus()
    lines = list(csvfmt.iter_morpheme_rows(texts, ["en"]))
    assert lines[0] == ",".join([*csvfmt.MORPHEME_COLUMNS, "translation:en"]) + "\n"
    n_rows = sum(max(1, len(w.morphemes)) for t in texts for u in t.utterances for w in u.words)
    n_rows += sum(1 for t in texts for u in t.utterances if not u.words)
    assert len(lines) == 1 + n_rows
    assert 'text1,plain,26,"a, b",1,b,y,,,,,,,,,\n' in lines


def test_csv_writer_streams() -> None:
    def endless() -> object:
        i = 0
        while True:
            yield Text(id=f"t{i}", utterances=[Utterance(id="1", order=0, words=[Word("w")])])
            i += 1

    rows = csvfmt.iter_morpheme_rows(endless(), [])
    assert [next(rows) for _ in range(3)][2].startswith("t1,1,0,")


def test_csv_utterance_rows() -> None:
    texts = corpus(1, 2, media=True)
    lines = list(csvfmt.iter_utterance_rows(texts, ["en"]))
    assert lines[0].startswith("text_id,utterance_id,utterance_order,transcription,words,")
    u = texts[0].utterances[0]
    assert lines[1] == (
        f"text1,1,0,{u.transcription},{u.transcription},"
        f"{' '.join(w.segmentation for w in u.words)},"
        f"{' '.join(w.joined_gloss for w in u.words)},,0,900,sentence 0 in en\n"
    )


def test_csv_bad_rows_name_their_lines() -> None:
    texts = corpus(1, 2, media=False)
    lines = list(csvfmt.iter_morpheme_rows(texts, ["en", "es"]))
    lines[2] = lines[2].replace("text1,1,0,", "text1,1,zero,", 1)
    lines.insert(3, "too,few\n")
    with pytest.raises(FormatError) as err:
        csvfmt.loads("".join(lines).encode())
    assert [p.line for p in err.value.problems][:2] == [3, 4]
    assert "bad index" in err.value.problems[0].message
    assert err.value.problems[1].message == "2 cells but 17 columns"


def test_csv_missing_columns() -> None:
    with pytest.raises(FormatError, match=r"^line 1: missing columns: text_id, utterance_id"):
        csvfmt.loads(b"form,gloss\n")


def test_json_lines_round_trip() -> None:
    texts = corpus(3, 10)
    out = "".join(jsonfmt.dumps(texts))
    assert out.count("\n") == 3
    assert jsonfmt.loads(out.encode()) == texts


def test_json_lines_bad_line() -> None:
    with pytest.raises(FormatError, match=r"^line 2: not a text document"):
        jsonfmt.loads(b'{"id": "a", "utterances": []}\n{"title": "no id"}\n')
