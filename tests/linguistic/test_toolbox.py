"""Toolbox: SIGMORPHON 2023 files (\\t \\m \\p \\g \\l) and classic interlinear (\\tx \\mb)."""

from __future__ import annotations

import pytest

from annotations.linguistic.formats import toolbox
from annotations.linguistic.model import Text
from annotations.xmlsafe import FormatError, Problem
from tests.linguistic.factory import corpus
from tests.shared_data import shared_file


def _load(relative: str) -> tuple[bytes, Text]:
    data = shared_file(f"glossing/{relative}").read_bytes()
    [text] = toolbox.loads(data, text_id="lez", language="lez")
    return data, text


def test_shared_lezgi_track2_parses_segmented_words() -> None:
    _, text = _load("Lezgi/lez-train-track2-uncovered")
    assert len(text.utterances) == 701
    first = text.utterances[0]
    assert first.translations["en"].startswith("When the bread burned the smoke filled the house")
    word = first.words[1]
    assert word.form == "кайла"
    assert [(m.boundary, m.form, m.gloss) for m in word.morphemes] == [
        ("", "кун", "burn"),
        ("-", "й", "PTP"),
        ("-", "ла", "TEMP"),
    ]
    assert word.segmentation == "кун-й-ла"
    assert sum(len(u.words) for u in text.utterances) == 7029
    assert sum(len(w.morphemes) for u in text.utterances for w in u.words) == 10497


def test_shared_uspanteko_track2_has_pos_per_morpheme() -> None:
    _, text = _load("Uspanteko/usp-train-track2-uncovered")
    assert len(text.utterances) == 9774
    word = text.utterances[0].words[3]
    assert word.form == "rixoqiil"
    assert [(m.form, m.gloss, m.pos) for m in word.morphemes] == [
        ("r", "E3S", "E3S"),
        ("ixóqiil", "esposa", "S"),
    ]


def test_shared_track1_words_keep_whole_word_glosses() -> None:
    _, text = _load("Lezgi/lez-train-track1-uncovered")
    word = text.utterances[0].words[1]
    assert (word.form, word.gloss, word.morphemes) == ("кайла", "burn-PTP-TEMP", [])


@pytest.mark.parametrize(
    "relative",
    [
        "Lezgi/lez-train-track1-uncovered",
        "Lezgi/lez-train-track2-uncovered",
        "Lezgi/lez-dev-track2-uncovered",
        "Uspanteko/usp-train-track1-uncovered",
        "Uspanteko/usp-train-track2-uncovered",
        "Uspanteko/usp-dev-track2-uncovered",
    ],
)
def test_shared_sigmorphon_files_round_trip_byte_for_byte(relative: str) -> None:
    data, text = _load(relative)
    out = "".join(toolbox.dumps([text])).encode()
    # Lezgi files end without the final blank line; that is the only difference allowed.
    assert out.rstrip(b"\n") == data.rstrip(b"\n")
    assert toolbox.loads(out, text_id="lez", language="lez") == [text]


def test_shared_sigmorphon_round_trips_through_classic_markers() -> None:
    _, text = _load("Uspanteko/usp-dev-track2-uncovered")
    classic = "".join(toolbox.dumps([text], markers="classic")).encode()
    [back] = toolbox.loads(classic, language="lez")
    assert back.id == "lez"
    assert [u.words for u in back.utterances] == [u.words for u in text.utterances]
    assert [u.translations for u in back.utterances] == [
        {k: v.strip() for k, v in u.translations.items()} for u in text.utterances
    ]


def _content(texts: list[Text]) -> list[Text]:
    """The corpus without the format bookkeeping an import adds (marker map, field order)."""
    for text in texts:
        text.metadata.pop("toolbox", None)
        for utt in text.utterances:
            utt.layout.clear()
    return texts


def test_generated_corpus_round_trips_in_both_marker_sets() -> None:
    texts = corpus(2, 40, morph_types=False, lemmas=False, media=False, translations=("en",))
    for text in texts:
        text.title = f"Title of {text.id}"
    for markers in ("sigmorphon", "classic"):
        out = "".join(toolbox.dumps(texts, markers=markers)).encode()
        if markers == "classic":
            back = toolbox.loads(out, language="qaa")
            assert _content(back) == texts
        else:
            for text in texts:
                one = "".join(toolbox.dumps([text], markers="sigmorphon")).encode()
                [again] = toolbox.loads(one, text_id=text.id, title=text.title, language="qaa")
                assert _content([again]) == [text]


CLASSIC = b"""\\_sh v3.0  400  Text
\\id Dog01
\\title The dog

\\ref Dog01.001
\\tx nikaona        mbwa
\\mb ni-  ka-  ona  mbwa
\\ge 1SG- FUT- see  dog
\\ps v-   v-   v    n
\\ft I will see the dog.
\\nt elicited

\\ref Dog01.002
\\tx alikimbia
\\mb a-  li-  kimbi -a
\\ge 3SG-PST- run   -IND
\\ft He ran.
"""


def test_classic_columns_assign_morphemes_to_words() -> None:
    [text] = toolbox.loads(CLASSIC)
    assert (text.id, text.title) == ("Dog01", "The dog")
    first, second = text.utterances
    assert first.id == "Dog01.001"
    assert first.notes == ["elicited"]
    assert first.translations == {"en": "I will see the dog."}
    see, dog = first.words
    assert see.segmentation == "ni-ka-ona"
    assert [m.gloss for m in see.morphemes] == ["1SG", "FUT", "see"]
    assert [m.pos for m in see.morphemes] == ["v", "v", "v"]
    assert [m.form for m in dog.morphemes] == ["mbwa"]
    assert second.words[0].joined_gloss == "3SG-PST-run-IND"


def test_sigmorphon_gloss_count_mismatch_is_a_warning_naming_the_line() -> None:
    data = (
        b"\\t o sey xtok\n\\m o' sea x-tok\n\\g o sea COM\n\\l O sea busca.\n\n"
        b"\\t ta' nada\n\\m ta' na-da\n\\g NEG nada-X-Y\n\\l No.\n"
    )
    warnings: list[Problem] = []
    [text] = toolbox.loads(data, warnings=warnings)
    assert [str(p) for p in warnings] == [
        "line 3: word 3 'x-tok' has 2 morphemes but 1 glosses ('COM')",
        "line 8: word 2 'na-da' has 2 morphemes but 3 glosses ('nada-X-Y')",
    ]
    # The record is kept with what it has, not dropped.
    first, second = text.utterances
    assert [m.gloss for m in first.words[2].morphemes] == ["COM", ""]
    assert [m.gloss for m in second.words[1].morphemes] == ["nada", "X"]


def test_word_count_mismatch_keeps_the_words_and_names_the_line() -> None:
    warnings: list[Problem] = []
    [text] = toolbox.loads(b"\\t a b c\n\\g x y\n", warnings=warnings)
    assert [str(p) for p in warnings] == [
        "line 2: 3 words but 2 tokens on \\g; the first ones kept in order"
    ]
    assert [(w.form, w.gloss) for w in text.utterances[0].words] == [
        ("a", "x"),
        ("b", "y"),
        ("c", ""),
    ]


def test_segmented_but_unglossed_records_import_their_words() -> None:
    # A SIGMORPHON "covered" file: the gloss line is there but empty.
    warnings: list[Problem] = []
    [text] = toolbox.loads(b"\\t a bc\n\\m a b-c\n\\g\n\\l tr\n", warnings=warnings)
    assert warnings == []
    words = text.utterances[0].words
    assert [w.segmentation for w in words] == ["a", "b-c"]
    assert all(m.gloss == "" for w in words for m in w.morphemes)


def test_classic_columns_leave_a_morph_without_a_gloss_unglossed() -> None:
    # "see" starts under "ka-": by Toolbox's columns it glosses ka-, and ona has none.
    data = b"\\ref 1\n\\tx nikaona\n\\mb ni- ka- ona\n\\ge 1SG- see\n"
    warnings: list[Problem] = []
    [text] = toolbox.loads(data, warnings=warnings)
    assert warnings == []
    assert [m.gloss for m in text.utterances[0].words[0].morphemes] == ["1SG", "see", ""]


def test_oversize_toolbox_input_is_refused() -> None:
    with pytest.raises(FormatError, match="more than the limit"):
        toolbox.loads(b"\\t a\n" * 100, max_bytes=50)


def test_unknown_markers_are_kept_as_custom_tiers() -> None:
    [text] = toolbox.loads(b"\\t a b\n\\g x y\n\\l tr\n\\src tape 3\n")
    assert text.utterances[0].tiers == {"src": "tape 3"}
    assert "".join(toolbox.dumps([text])) == "\\t a b\n\\g x y\n\\l tr\n\\src tape 3\n\n"
