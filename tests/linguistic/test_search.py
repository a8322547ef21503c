"""Folding and search keys of lexicon entries."""

from __future__ import annotations

from annotations.linguistic.model import LexicalEntry, Sense, Variant
from annotations.linguistic.search import fold, rank, search_keys


def test_fold_drops_accents_case_and_boundaries() -> None:
    assert fold("Ñá") == "na"
    assert fold("-ÉKÜ=") == "eku"
    assert fold("  Straße ") == "strasse"


def test_search_keys_headword_first_without_duplicates() -> None:
    entry = LexicalEntry(
        id="e1",
        forms={"eno": "Kahái", "eno-x": "kahai"},
        variants=[Variant(forms={"eno": "kaháy"})],
        senses=[Sense(id="s1", gloss={"en": "Fish", "id": "ikan"}), Sense(id="s2")],
    )

    assert search_keys(entry) == ["kahai", "kahay", "fish", "ikan"]


def test_rank_orders_exact_then_prefix_then_other() -> None:
    assert [rank("kahai", "kahai"), rank("kahai", "kah"), rank("kahai", "fi")] == [0, 1, 2]
