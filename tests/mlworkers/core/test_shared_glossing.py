"""The CRF gloss model on a slice of the real Uspanteko data beats the memory floor."""

from __future__ import annotations

from mlworkers.core import api
from mlworkers.core.data import read_sigmorphon
from tests.shared_data import shared_file

QUIET = {"progress": lambda _p: None, "should_stop": lambda: False}


def test_shared_crf_beats_memory_on_uspanteko() -> None:
    train = read_sigmorphon(shared_file("glossing/Uspanteko/usp-train-track2-uncovered"))[:1500]
    dev = read_sigmorphon(shared_file("glossing/Uspanteko/usp-dev-track2-uncovered"))[:120]
    memory = api.evaluate(api.train("gloss", "memory", train, {}, **QUIET), dev)
    crf = api.train("gloss", "crf", train, {"max_iterations": 40}, **QUIET)
    scores = api.evaluate(crf, dev)
    assert scores["count"] == memory["count"]
    assert scores["word_accuracy"] > memory["word_accuracy"]
    assert scores["morpheme_accuracy"] > memory["morpheme_accuracy"]
