"""What the platform calls: train, predict, save/load, import, evaluate (Django-free).

Models register here by (task, kind); each class has ``train(task, utterances, params,
reporter)``, ``predict``, ``save`` and ``load(directory, manifest)``.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from mlworkers.core import artifacts, metrics
from mlworkers.core import params as _params
from mlworkers.core.data import Utterance
from mlworkers.core.types import (
    Label,
    Model,
    ModelFileError,
    MorphPrediction,
    Reporter,
    Segmentation,
    TrainingCancelled,
    TrainProgress,
    UtterancePrediction,
    WordPrediction,
)

__all__ = [
    "KINDS",
    "TASKS",
    "Label",
    "Model",
    "ModelFileError",
    "MorphPrediction",
    "Segmentation",
    "TrainProgress",
    "TrainingCancelled",
    "UtterancePrediction",
    "WordPrediction",
    "check_params",
    "evaluate",
    "import_hf_folder",
    "learning_curve",
    "load",
    "load_skops_file",
    "train",
]

TASKS = ("gloss", "pos", "segment")
KINDS: dict[str, tuple[str, ...]] = {
    "gloss": ("memory", "crf", "transformer"),
    "pos": ("memory", "crf", "transformer"),
    "segment": ("memory", "crf"),
}
MIN_UTTERANCES = 1

# (task, kind) -> "module:Class"; imported on use so that a CRF-only worker never loads torch.
_CLASSES: dict[tuple[str, str], str] = {
    ("gloss", "memory"): "mlworkers.core.memory:MemoryModel",
    ("pos", "memory"): "mlworkers.core.memory:MemoryModel",
    ("segment", "memory"): "mlworkers.core.memory:SegmentMemoryModel",
    ("gloss", "crf"): "mlworkers.core.crf:CrfModel",
    ("pos", "crf"): "mlworkers.core.crf:CrfModel",
    ("segment", "crf"): "mlworkers.core.segmenter:SegmentCrfModel",
    ("gloss", "transformer"): "mlworkers.core.transformer:TransformerModel",
    ("pos", "transformer"): "mlworkers.core.transformer:TransformerModel",
    ("gloss", "sklearn"): "mlworkers.core.sklearn_model:SklearnModel",
    ("pos", "sklearn"): "mlworkers.core.sklearn_model:SklearnModel",
}


class _ModelClass(Protocol):
    def train(self, *args: Any, **kwargs: Any) -> Model: ...
    def load(self, directory: Path, manifest: Mapping[str, Any]) -> Model: ...


def _class(task: str, kind: str) -> Any:
    target = _CLASSES.get((task, kind))
    if target is None:
        raise ValueError(f"kind: {kind!r} is not a model kind for task {task!r}")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def check_params(task: str, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Validated parameters with defaults filled in; ValueError naming the parameter."""
    if task not in TASKS:
        raise ValueError(f"task: {task!r} is not one of {', '.join(TASKS)}")
    if kind not in KINDS[task]:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS[task])} for {task}")
    return _params.check(task, kind, params)


def _has_labels(task: str, utterance: Utterance) -> bool:
    for w in utterance.words:
        if task == "gloss" and (w.gloss or any(m.gloss for m in w.morphemes)):
            return True
        if task == "pos" and (w.pos or any(m.pos for m in w.morphemes)):
            return True
        if task == "segment" and w.morphemes:
            return True
    return False


def train(
    task: str,
    kind: str,
    train: Sequence[Utterance],
    params: Mapping[str, Any],
    *,
    progress: Callable[[TrainProgress], None],
    should_stop: Callable[[], bool],
    device: str = "cpu",
) -> Model:
    """Train one model; ``TrainingCancelled`` between steps once ``should_stop()`` is true."""
    checked = check_params(task, kind, params)
    labelled = [u for u in train if _has_labels(task, u)]
    if len(labelled) < MIN_UTTERANCES:
        raise ValueError(f"train: no utterance carries {task} labels to learn from")
    reporter = Reporter(progress, should_stop)
    reporter.step(0.0, f"training {task}/{kind} on {len(labelled)} utterances")
    cls = _class(task, kind)
    if kind == "transformer":
        return cls.train(task, labelled, checked, reporter, device=device)  # type: ignore[no-any-return]
    return cls.train(task, labelled, checked, reporter)  # type: ignore[no-any-return]


def load(directory: Path) -> Model:
    """Load a saved model: JSON, safetensors or skops (trusted types) only; never pickle."""
    manifest = artifacts.read_manifest(directory)
    try:
        cls = _class(manifest["task"], manifest["kind"])
    except ValueError as exc:
        raise ModelFileError(str(exc)) from exc
    return cls.load(directory, manifest)  # type: ignore[no-any-return]


def evaluate(model: Model, gold: Sequence[Utterance]) -> dict[str, Any]:
    return metrics.evaluate(model, gold)


def learning_curve(
    task: str,
    kind: str,
    train: Sequence[Utterance],
    dev: Sequence[Utterance],
    sizes: Sequence[float],
    params: Mapping[str, Any],
) -> list[dict[str, float]]:
    """Accuracy on ``dev`` against the share of ``train`` used (seeded shuffle, nested subsets)."""
    checked = check_params(task, kind, params)
    order = list(train)
    random.Random(checked["seed"]).shuffle(order)
    points: list[dict[str, float]] = []
    for size in sizes:
        if not 0.0 < size <= 1.0:
            raise ValueError(f"sizes: {size} is not in (0, 1]")
        subset = order[: max(1, round(len(order) * size))]
        model = globals()["train"](
            task, kind, subset, checked, progress=lambda _p: None, should_stop=lambda: False
        )
        scores = metrics.evaluate(model, dev)
        points.append(
            {
                "size": float(size),
                "utterances": float(len(subset)),
                "word_accuracy": scores["word_accuracy"],
                "morpheme_accuracy": scores["morpheme_accuracy"],
            }
        )
    return points


def import_hf_folder(source: Path, destination: Path, *, max_bytes: int) -> dict[str, Any]:
    """A zip/tar/folder -> a validated copy (config, safetensors, tokenizer files only)."""
    return artifacts.import_hf_folder(source, destination, max_bytes=max_bytes)


def load_skops_file(path: Path) -> Model:
    """A user-supplied skops file (a scikit-learn pipeline over Fieldmark's morpheme features)."""
    from mlworkers.core.sklearn_model import SklearnModel

    return SklearnModel.from_skops_file(path)
