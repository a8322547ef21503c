"""Scores on hand-made examples, with exact numbers."""

from __future__ import annotations

import pytest

from mlworkers.core import api
from mlworkers.core.data import Morph, Utterance, Word
from mlworkers.core.metrics import is_gram, score_strings


def test_gram_is_an_all_caps_leipzig_label() -> None:
    assert [is_gram(x) for x in ("PL", "ERG", "3SG", "A1S", "PST.PTCP", "1PL.EXCL")] == [True] * 6
    assert [is_gram(x) for x in ("cat", "Beshir", "wood.shops", "3", ",", "")] == [False] * 6


def test_word_and_morpheme_accuracy_as_the_shared_task_counts() -> None:
    pairs = [
        ("cat-PL", "cat-PL"),  # right
        ("dog-PL", "dog-SG"),  # word wrong, 1 of 2 morphs right
        ("see-PST", "see"),  # word wrong, 1 of 2 morphs right (nothing predicted for PST)
        ("the", "the"),  # right
    ]
    s = score_strings(pairs)
    assert s["word_accuracy"] == 0.5
    assert s["morpheme_accuracy"] == 5 / 7
    assert s["count"] == {"words": 4, "morphemes": 7}
    assert s["stems"] == {"accuracy": 1.0, "count": 4}
    assert s["grams"] == {"accuracy": 1 / 3, "count": 3}
    assert s["per_label"]["PL"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert s["per_label"]["PST"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert s["per_label"]["cat"]["f1"] == 1.0
    # macro-F1 over the six gold labels: cat, dog, see, the = 1; PL = 2/3; PST = 0
    assert s["macro_f1"] == pytest.approx((4 + 2 / 3) / 6)
    assert s["confusion"] == {"labels": ["PL", "PST", "(other)"], "matrix": [[1, 0, 1], [0, 0, 1]]}


def test_evaluate_scores_a_model_on_forms_only() -> None:
    train = [
        Utterance("a", (Word("katta", (Morph("kat", "cat"), Morph("ta", "PL", "", "-"))),)),
        Utterance("b", (Word("dorta", (Morph("dor", "dog"), Morph("ta", "PL", "", "-"))),)),
    ]
    dev = [
        Utterance("c", (Word("lumta", (Morph("lum", "tree"), Morph("ta", "PL", "", "-"))),)),
        Utterance("d", (Word("katta", (Morph("kat", "cat"), Morph("ta", "PL", "", "-"))),)),
    ]
    model = api.train(
        "gloss", "memory", train, {}, progress=lambda _p: None, should_stop=lambda: False
    )
    s = api.evaluate(model, dev)
    # lum is unknown and copied: lum-PL is wrong, kat-ta is remembered whole.
    assert s["word_accuracy"] == 0.5
    assert s["morpheme_accuracy"] == 0.75
    assert s["stems"] == {"accuracy": 0.5, "count": 2}
    assert s["grams"] == {"accuracy": 1.0, "count": 2}
