"""FLEx .flextext: a hand-written file in FLEx's structure, and our own exports."""

from __future__ import annotations

import pytest

from annotations.linguistic.formats import flextext, toolbox
from annotations.linguistic.model import MediaSpan
from annotations.xmlsafe import FormatError
from tests.linguistic.factory import DATA, content, corpus
from tests.shared_data import shared_file


def test_hand_written_flextext_is_read() -> None:
    [text] = flextext.loads((DATA / "sample.flextext").read_bytes())
    assert (text.id, text.title, text.language) == (
        "5f0c1a2e-7d1b-4c1e-9a55-0b7a2f6c9e01",
        "The dog story",
        "qaa",
    )
    assert text.source == "Recorded 2021, speaker AB"
    assert text.metadata["flex"]["title_lang"] == "en"
    assert content([text])[0].metadata == {
        "title-abbreviation:en": "DOG",
        "comment:en": "Hand-written test file in FLEx's structure.",
    }
    assert [u.paragraph for u in text.utterances] == [0, 0, 1]
    first = text.utterances[0]
    assert first.id == "0c9e1c2a-2222-4d4e-9f10-000000000001"
    assert first.media == MediaSpan(1200, 3450, "C:\\Recordings\\dog.wav")
    assert first.speaker == "AB"
    assert first.translations == {
        "en": "I will see the dog.",
        "id": "Saya akan melihat anjing itu.",
    }
    assert first.notes == ["Elicited."]
    see, dog, stop = first.words
    assert (see.form, see.gloss, see.pos) == ("nikaona", "I.will.see", "v")
    assert [(m.boundary, m.form, m.gloss, m.morph_type) for m in see.morphemes] == [
        ("", "ni", "1SG", "prefix"),
        ("-", "ka", "FUT", "prefix"),
        ("-", "ona", "see", "stem"),
    ]
    assert see.morphemes[0].tiers == {"cf:qaa": "ni-"}
    assert see.morphemes[0].glosses == {"id": "1TG"}
    assert see.morphemes[0].pos == "v:Any"
    assert dog.segmentation == "mbwa=ye"
    assert (stop.form, stop.tiers) == (".", {"punct": "true"})
    assert text.utterances[1].words[1].joined_gloss == "3SG-PST-run-IND"
    assert text.utterances[2].id == "3"
    assert text.utterances[2].media is None


def test_hand_written_flextext_round_trips() -> None:
    texts = flextext.loads((DATA / "sample.flextext").read_bytes())
    out = "".join(flextext.dumps(texts)).encode()
    assert flextext.loads(out) == texts


def test_generated_corpus_round_trips() -> None:
    texts = corpus(3, 30)
    for t in texts:
        t.title, t.source, t.genre, t.glottocode = "T", "S", "narrative", "abcd1234"
        t.speakers = ["AB", "CD"]
        for u in t.utterances:
            u.speaker, u.status, u.notes = "AB", "reviewed", ["n1", "n2"]
            u.paragraph = u.order // 7
            u.words[0].tiers["note"] = "w"
            u.words[0].morphemes[0].tiers["cf"] = "citation"
    out = "".join(flextext.dumps(texts)).encode()
    assert content(flextext.loads(out)) == texts


def test_shared_sigmorphon_corpus_round_trips_through_flextext() -> None:
    data = shared_file("glossing/Uspanteko/usp-dev-track2-uncovered").read_bytes()
    texts = content(toolbox.loads(data, language="usp", translation_lang="es"))
    out = "".join(flextext.dumps(texts, gloss_lang="es")).encode()
    assert content(flextext.loads(out)) == texts


def test_word_without_text_is_reported_with_its_line() -> None:
    data = b"""<document version="2"><interlinear-text><paragraphs><paragraph><phrases>
<phrase><words>
<word><item type="gls" lang="en">x</item></word>
</words></phrase></phrases></paragraph></paragraphs></interlinear-text></document>"""
    with pytest.raises(FormatError) as err:
        flextext.loads(data)
    assert err.value.line == 3
    assert "word has no txt or punct item" in str(err.value)


def test_flextext_malformed_xml_names_the_line() -> None:
    with pytest.raises(FormatError, match=r"^line 2: malformed XML"):
        flextext.loads(b"<document>\n<interlinear-text></document>")
