"""The domain types: the SIGMORPHON reader, Fieldmark documents and the snapshot hash."""

from __future__ import annotations

from pathlib import Path

from annotations.linguistic.model import Morpheme as FMorpheme
from annotations.linguistic.model import Utterance as FUtterance
from annotations.linguistic.model import Word as FWord
from mlworkers.core.data import (
    Morph,
    Utterance,
    Word,
    from_document,
    read_sigmorphon,
    snapshot_hash,
    split_segmented,
    strip_segmentation,
    word_gloss,
)

TRACK2 = """\\t o sey xtok rixoqiil
\\m o' sea x-tok r-ixóqiil
\\p CONJ ADV COM-VT E3S-S
\\g o sea COM-buscar E3S-esposa
\\l O sea busca esposa.

\\t kayla=ri
\\m kay-la=ri
\\g burn-TEMP=ADD
\\l When it burned.
"""

TRACK1 = """\\t o sey rixoqiil
\\g o sea E3S-esposa
\\l O sea su esposa.
"""


def test_reads_a_segmented_block_into_words_of_morphs(tmp_path: Path) -> None:
    path = tmp_path / "x-train-track2-uncovered"
    path.write_text(TRACK2, encoding="utf-8")
    first, second = read_sigmorphon(path)
    assert first.id == "x-train-track2-uncovered:1"
    assert first.translation == "O sea busca esposa."
    assert first.words[2] == Word(
        "xtok",
        (Morph("x", "COM", "COM"), Morph("tok", "buscar", "VT", "-")),
        "COM-buscar",
        "COM-VT",
    )
    assert [w.form for w in first.words] == ["o", "sey", "xtok", "rixoqiil"]
    assert second.words == (
        Word(
            "kayla=ri",
            (Morph("kay", "burn"), Morph("la", "TEMP", "", "-"), Morph("ri", "ADD", "", "=")),
            "burn-TEMP=ADD",
        ),
    )
    assert word_gloss(second.words[0]) == "burn-TEMP=ADD"


def test_reads_an_unsegmented_block_with_whole_word_glosses(tmp_path: Path) -> None:
    path = tmp_path / "t1"
    path.write_text(TRACK1, encoding="utf-8")
    (u,) = read_sigmorphon(path)
    assert u.words == (
        Word("o", (), "o"),
        Word("sey", (), "sea"),
        Word("rixoqiil", (), "E3S-esposa"),
    )


def test_a_gloss_that_splits_unlike_its_form_stays_whole(tmp_path: Path) -> None:
    path = tmp_path / "odd"
    path.write_text("\\t ab\n\\m a-b\n\\g one.two\n", encoding="utf-8")
    (u,) = read_sigmorphon(path)
    assert u.words[0].morphemes == (Morph("a", "one.two"), Morph("b", "", "", "-"))
    assert u.words[0].gloss == "one.two"


def test_split_keeps_leading_and_trailing_separators_on_their_piece() -> None:
    assert split_segmented("r-ixoqiil=ri") == [("", "r"), ("-", "ixoqiil"), ("=", "ri")]
    assert split_segmented("-ak") == [("", "-ak")]
    assert split_segmented("a-") == [("", "a-")]


def test_from_document_reads_what_the_editor_stores() -> None:
    doc = FUtterance(
        id="u1",
        order=0,
        translations={"en": "the cats"},
        words=[
            FWord(
                "kat-ta",
                morphemes=[FMorpheme("kat", "cat", "N"), FMorpheme("ta", "PL", boundary="-")],
            ),
            FWord("le", gloss="the"),
        ],
    ).to_doc()
    doc["version"] = 4
    u = from_document(doc)
    assert u == Utterance(
        "u1",
        (
            Word("kat-ta", (Morph("kat", "cat", "N"), Morph("ta", "PL", "", "-"))),
            Word("le", (), "the"),
        ),
        "the cats",
        4,
    )
    assert word_gloss(u.words[0]) == "cat-PL"


def test_snapshot_hash_ignores_order_and_sees_labels_and_versions() -> None:
    a = Utterance("1", (Word("x", (Morph("x", "X"),)),), "", 1)
    b = Utterance("2", (Word("y", (), "why"),), "", 1)
    assert snapshot_hash([a, b]) == snapshot_hash([b, a])
    relabelled = Utterance("1", (Word("x", (Morph("x", "Y"),)),), "", 1)
    bumped = Utterance("1", a.words, "", 2)
    assert (
        len({snapshot_hash([a, b]), snapshot_hash([relabelled, b]), snapshot_hash([bumped, b])})
        == 3
    )


def test_strip_segmentation_keeps_the_whole_gloss() -> None:
    u = Utterance("1", (Word("katta", (Morph("kat", "cat"), Morph("ta", "PL", "", "-"))),))
    assert strip_segmentation([u])[0].words == (Word("katta", (), "cat-PL"),)
