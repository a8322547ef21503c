"""Every model kind trains on a toy corpus, predicts, and round-trips through save/load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlworkers.core import api
from mlworkers.core.data import Morph, Utterance, Word
from mlworkers.core.metrics import blank
from mlworkers.core.types import TrainProgress

QUIET: dict[str, Any] = {"progress": lambda _p: None, "should_stop": lambda: False}


def train(
    task: str, kind: str, data: list[Utterance], params: dict[str, Any] | None = None
) -> api.Model:
    return api.train(task, kind, data, params or {}, **QUIET)


@pytest.mark.parametrize(
    ("task", "kind", "params", "floor"),
    [
        ("gloss", "memory", {}, 0.9),
        ("pos", "memory", {}, 0.9),
        ("gloss", "crf", {"max_iterations": 30}, 0.9),
        ("pos", "crf", {"max_iterations": 30}, 0.9),
        ("segment", "memory", {}, 0.9),
        ("segment", "crf", {"max_iterations": 20, "segmenter_iterations": 20}, 0.9),
    ],
)
def test_each_kind_trains_predicts_and_round_trips(
    task: str,
    kind: str,
    params: dict[str, Any],
    floor: float,
    toy_train: list[Utterance],
    toy_dev: list[Utterance],
    tmp_path: Path,
) -> None:
    model = train(task, kind, toy_train, params)
    assert (model.task, model.kind) == (task, kind)
    scores = api.evaluate(model, toy_dev)
    assert scores["word_accuracy"] >= floor
    given = blank(toy_dev, task)
    predictions = model.predict(given, top_k=2)
    assert [p["id"] for p in predictions] == [u.id for u in toy_dev]
    first = predictions[0]["words"][1]
    if task == "segment":
        seg = first["segmentations"][0]
        assert len(seg["morphemes"]) == len(seg["glosses"]) == len(seg["boundaries"])
    else:
        assert [m["index"] for m in first["morphemes"]] == list(
            range(len(toy_dev[0].words[1].morphemes))
        )
        assert 1 <= len(first["morphemes"][0]["labels"]) <= 2
    model.save(tmp_path / "m")
    assert (
        sorted(p.name for p in (tmp_path / "m").iterdir() if p.suffix in (".pkl", ".bin", ".pt"))
        == []
    )
    again = api.load(tmp_path / "m")
    assert (again.task, again.kind) == (task, kind)
    assert again.predict(given, top_k=2) == predictions


def test_crf_uses_context_for_an_ambiguous_suffix(toy_train: list[Utterance]) -> None:
    model = train("gloss", "crf", toy_train, {"max_iterations": 40})
    # "ta" after a noun stem is PL, after a verb stem PST; lum+ta and vel+ta may be unseen whole.
    u = blank([toy_train[0]], "gloss")[0]
    (pred,) = model.predict([u], top_k=1)
    golds = [m.gloss for w in toy_train[0].words for m in w.morphemes]
    got = [m["labels"][0]["label"] for w in pred["words"] for m in w["morphemes"]]
    assert got == golds


def test_memory_finds_a_word_posted_without_separators() -> None:
    taught = Word("katta", (Morph("kat", "cat"), Morph("ta", "PLX", "", "-")))
    model = train("gloss", "memory", [Utterance("1", (taught,))] * 2)
    bare = Word("katta", (Morph("kat"), Morph("ta")))
    (pred,) = model.predict([Utterance("2", (bare,))], top_k=1)
    assert [m["labels"] for m in pred["words"][0]["morphemes"]] == [
        [{"label": "cat", "p": 1.0}],
        [{"label": "PLX", "p": 1.0}],
    ]


def test_memory_copies_an_unknown_form_with_no_confidence(toy_train: list[Utterance]) -> None:
    model = train("gloss", "memory", toy_train)
    (pred,) = model.predict([Utterance("x", (Word("zzz"),))])
    assert pred["words"][0]["labels"] == [{"label": "zzz", "p": 0.0}]
    assert pred["confidence"] == 0.0


def test_transformer_trains_on_a_local_encoder_and_round_trips(
    encoder: Path, toy_train: list[Utterance], tmp_path: Path
) -> None:
    seen: list[TrainProgress] = []
    model = api.train(
        "gloss",
        "transformer",
        toy_train[:20],
        {"encoder": str(encoder), "epochs": 2, "batch_size": 8, "learning_rate": 1e-3},
        progress=seen.append,
        should_stop=lambda: False,
    )
    assert [p["step"] for p in seen[1:]] == [1, 2, 3, 4, 5, 6]
    assert all(p["loss"] is not None and p["loss"] > 0 for p in seen[1:])
    given = blank(toy_train[:3], "gloss")
    predictions = model.predict(given, top_k=2)
    labels = predictions[0]["words"][1]["morphemes"][0]["labels"]
    assert len(labels) == 2 and labels[0]["p"] >= labels[1]["p"]
    model.save(tmp_path / "t")
    assert (tmp_path / "t" / "hf" / "model.safetensors").is_file()
    assert not list((tmp_path / "t").rglob("*.bin"))
    assert api.load(tmp_path / "t").predict(given, top_k=2) == predictions


@pytest.mark.parametrize("kind", ["memory", "crf"])
def test_cancellation_stops_training_between_steps(kind: str, toy_train: list[Utterance]) -> None:
    seen: list[TrainProgress] = []

    def stop() -> bool:
        return len(seen) >= 2

    with pytest.raises(api.TrainingCancelled):
        api.train("gloss", kind, toy_train * 10, {}, progress=seen.append, should_stop=stop)
    assert len(seen) == 2


def test_transformer_cancellation(encoder: Path, toy_train: list[Utterance]) -> None:
    seen: list[TrainProgress] = []
    with pytest.raises(api.TrainingCancelled):
        api.train(
            "gloss",
            "transformer",
            toy_train,
            {"encoder": str(encoder), "epochs": 5, "batch_size": 4},
            progress=seen.append,
            should_stop=lambda: len(seen) >= 3,
        )
    assert [p["step"] for p in seen] == [0, 1, 2]


@pytest.mark.parametrize(
    ("task", "kind", "params", "message"),
    [
        ("parse", "memory", {}, "task: 'parse' is not one of gloss, pos, segment"),
        ("gloss", "svm", {}, "kind: 'svm' is not one of memory, crf, transformer for gloss"),
        ("segment", "transformer", {}, "kind: 'transformer' is not one of memory, crf for segment"),
        ("gloss", "crf", {"c1": -1}, "c1: must be at least 0"),
        ("gloss", "crf", {"max_iterations": 0}, "max_iterations: must be at least 1"),
        ("gloss", "crf", {"max_iterations": 2.5}, "max_iterations: must be an integer"),
        ("gloss", "memory", {"lowercase": "yes"}, "lowercase: must be true or false"),
        (
            "gloss",
            "memory",
            {"depth": 3},
            "depth: not a parameter of gloss/memory (known: lowercase, seed)",
        ),
    ],
)
def test_check_params_names_the_bad_parameter(
    task: str, kind: str, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(
        ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"
    ):
        api.check_params(task, kind, params)


def test_check_params_fills_defaults() -> None:
    assert api.check_params("gloss", "memory", {"lowercase": False}) == {
        "lowercase": False,
        "seed": 13,
    }


def test_training_without_labels_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^train: no utterance carries gloss labels"):
        train("gloss", "memory", [Utterance("1", (Word("x"),))])


def test_transformer_without_an_encoder_is_refused(
    toy_train: list[Utterance], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"^encoder: name a local folder"):
        train("gloss", "transformer", toy_train)
    with pytest.raises(ValueError, match=r"holds no config\.json$"):
        train("gloss", "transformer", toy_train, {"encoder": str(tmp_path)})


def test_learning_curve_is_nested_and_deterministic(
    toy_train: list[Utterance], toy_dev: list[Utterance]
) -> None:
    curve = api.learning_curve("gloss", "memory", toy_train, toy_dev, [0.1, 0.5, 1.0], {})
    assert [p["utterances"] for p in curve] == [6.0, 30.0, 60.0]
    assert curve == api.learning_curve("gloss", "memory", toy_train, toy_dev, [0.1, 0.5, 1.0], {})
    assert curve[-1]["word_accuracy"] >= curve[0]["word_accuracy"]
