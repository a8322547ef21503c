"""The three-way merge on its own: disjoint changes combine, the same element is a clash that
names it with all three values, and identity (``id``, key functions) beats position."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fieldmark.storage.merge import MergeConflict, merge

BASE: dict[str, Any] = {
    "transcription": "a b",
    "words": [
        {"form": "a", "morphemes": [{"form": "a", "gloss": ""}, {"form": "b", "gloss": ""}]},
        {"form": "c", "morphemes": [{"form": "c", "gloss": ""}]},
    ],
}


def edited(**cells: str) -> dict[str, Any]:
    """BASE with ``w0m1="X"`` style morpheme glosses set."""
    doc = copy.deepcopy(BASE)
    for cell, value in cells.items():
        word, morpheme = int(cell[1]), int(cell[3])
        doc["words"][word]["morphemes"][morpheme]["gloss"] = value
    return doc


def test_different_morphemes_of_one_word_both_land() -> None:
    merged = merge(BASE, edited(w0m0="ONE"), edited(w0m1="TWO"))

    assert merged == edited(w0m0="ONE", w0m1="TWO")


def test_the_same_morpheme_is_a_clash_naming_it_with_both_values() -> None:
    with pytest.raises(MergeConflict) as info:
        merge(BASE, edited(w1m0="theirs", w0m0="x"), edited(w1m0="mine", w0m1="y"))

    assert [clash.to_json() for clash in info.value.clashes] == [
        {"element": "words.1.morphemes.0.gloss", "base": "", "current": "theirs", "mine": "mine"}
    ]


def test_the_same_new_value_on_both_sides_is_no_clash() -> None:
    assert merge(BASE, edited(w0m0="same"), edited(w0m0="same")) == edited(w0m0="same")


def test_a_field_and_a_morpheme_change_combine() -> None:
    mine = {**BASE, "transcription": "a-b c"}

    assert merge(BASE, edited(w1m0="X"), mine) == {**edited(w1m0="X"), "transcription": "a-b c"}


def test_a_split_word_against_an_edit_of_that_word_is_a_clash_on_the_morphemes() -> None:
    split = copy.deepcopy(BASE)
    split["words"][0]["morphemes"].append({"form": "d", "gloss": "D"})

    with pytest.raises(MergeConflict) as info:
        merge(BASE, edited(w0m0="X"), split)

    assert [clash.element for clash in info.value.clashes] == ["words.0.morphemes"]


def test_a_split_of_one_word_and_an_edit_of_another_combine() -> None:
    split = copy.deepcopy(BASE)
    split["words"][0]["morphemes"].append({"form": "d", "gloss": "D"})

    merged = merge(BASE, edited(w1m0="X"), split)

    assert merged["words"][0] == split["words"][0]
    assert merged["words"][1]["morphemes"][0]["gloss"] == "X"


def test_both_appending_keeps_theirs_then_mine() -> None:
    base = {"notes": ["n1"]}

    assert merge(base, {"notes": ["n1", "theirs"]}, {"notes": ["n1", "mine"]}) == {
        "notes": ["n1", "theirs", "mine"]
    }


def test_elements_with_ids_merge_by_identity_through_reordering_and_deletion() -> None:
    base = {"senses": [{"id": "s1", "gloss": "one"}, {"id": "s2", "gloss": "two"}]}
    theirs = {"senses": [{"id": "s2", "gloss": "two"}, {"id": "s1", "gloss": "ONE"}]}
    mine = {"senses": [{"id": "s1", "gloss": "one"}, {"id": "s3", "gloss": "three"}]}  # s2 gone

    assert merge(base, theirs, mine) == {
        "senses": [{"id": "s1", "gloss": "ONE"}, {"id": "s3", "gloss": "three"}]
    }


def test_deleting_what_the_other_changed_is_a_clash() -> None:
    base = {"senses": [{"id": "s1", "gloss": "one"}]}

    with pytest.raises(MergeConflict) as info:
        merge(base, {"senses": [{"id": "s1", "gloss": "ONE"}]}, {"senses": []})

    assert info.value.clashes[0].to_json() == {
        "element": "senses.s1", "base": {"id": "s1", "gloss": "one"},
        "current": {"id": "s1", "gloss": "ONE"}, "mine": None,
    }  # fmt: skip


def test_key_functions_identify_elements_without_ids() -> None:
    base = {"segments": [{"t0": 0, "t1": 5, "aus": {}}, {"t0": 10, "t1": 20, "aus": {}}]}
    theirs = {"segments": [{"t0": 0, "t1": 5, "aus": {"AU6": 2}}, base["segments"][1]]}
    mine = {"segments": [*base["segments"], {"t0": 30, "t1": 40, "aus": {"AU12": 1}}]}

    merged = merge(base, theirs, mine, keys={"segments": lambda s: (s["t0"], s["t1"])})

    assert merged == {"segments": [*theirs["segments"], mine["segments"][2]]}


def test_added_and_removed_keys() -> None:
    base = {"a": 1, "b": 2}

    assert merge(base, {"a": 1, "b": 2, "c": 3}, {"a": 1}) == {"a": 1, "c": 3}


def test_true_is_not_one() -> None:
    with pytest.raises(MergeConflict):
        merge({"x": 0}, {"x": 1}, {"x": True})
