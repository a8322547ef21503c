"""The JSON shapes and the model protocol shared by every model kind and by the platform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypedDict

from mlworkers.core.data import Utterance


class Label(TypedDict):
    label: str
    p: float


class MorphPrediction(TypedDict):
    index: int
    form: str
    labels: list[Label]


class Segmentation(TypedDict):
    morphemes: list[str]
    glosses: list[str]
    # The separator written before each morph ("" for the first, "-" or "="), as Fieldmark's
    # ``sep``; the word's gloss string is ``"".join(b + g for b, g in zip(boundaries, glosses))``.
    boundaries: list[str]
    p: float


class WordPrediction(TypedDict):
    index: int
    form: str
    labels: list[Label]
    morphemes: list[MorphPrediction]
    segmentations: list[Segmentation]


class UtterancePrediction(TypedDict):
    id: str
    words: list[WordPrediction]
    confidence: float  # mean top-1 probability: the active-learning score


class TrainProgress(TypedDict):
    fraction: float
    message: str
    step: int
    epoch: int
    loss: float | None


class Model(Protocol):
    task: str
    kind: str

    def predict(
        self, utterances: Sequence[Utterance], top_k: int = 3
    ) -> list[UtterancePrediction]: ...

    def save(self, directory: Path) -> None: ...


class TrainingCancelled(Exception):
    """Raised between training steps when the caller's ``should_stop()`` turned true."""


class ModelFileError(ValueError):
    """A refused model artifact; the message says what to change."""


ProgressFn = Callable[[TrainProgress], None]
StopFn = Callable[[], bool]


class Reporter:
    """Progress and cancellation for one training: every model checks ``step`` between steps."""

    def __init__(self, progress: ProgressFn, should_stop: StopFn) -> None:
        self._progress = progress
        self._should_stop = should_stop

    def check(self) -> None:
        if self._should_stop():
            raise TrainingCancelled("training was cancelled")

    def step(
        self,
        fraction: float,
        message: str,
        *,
        step: int = 0,
        epoch: int = 0,
        loss: float | None = None,
    ) -> None:
        self.check()
        self._progress(
            {
                "fraction": max(0.0, min(1.0, fraction)),
                "message": message,
                "step": step,
                "epoch": epoch,
                "loss": loss,
            }
        )


def confidence(top: Sequence[float]) -> float:
    return float(sum(top) / len(top)) if top else 1.0
