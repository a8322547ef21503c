"""A scikit-learn classifier over morph features, stored with skops (trusted types only).

This is the form a model trained elsewhere comes in: a pipeline (e.g. DictVectorizer ->
LogisticRegression) that takes ``features.utterance_features`` dicts and predicts labels,
dumped with ``skops.io.dump``, either bare (task gloss) or as ``{"task": ..., "estimator": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mlworkers.core import artifacts
from mlworkers.core.data import Utterance
from mlworkers.core.features import utterance_features, word_units
from mlworkers.core.memory import GlossMemory
from mlworkers.core.types import (
    Label,
    ModelFileError,
    MorphPrediction,
    UtterancePrediction,
    WordPrediction,
    confidence,
)


class SklearnModel:
    kind = "sklearn"

    def __init__(self, task: str, estimator: Any, memory: GlossMemory | None = None) -> None:
        if task not in ("gloss", "pos"):
            raise ModelFileError(f"a scikit-learn model serves gloss or pos, not {task!r}")
        if not hasattr(estimator, "predict_proba") or not hasattr(estimator, "classes_"):
            raise ModelFileError(
                "the skops file holds no fitted classifier with predict_proba and classes_"
            )
        self.task = task
        self.estimator = estimator
        self.memory = memory or GlossMemory()

    @classmethod
    def from_skops_file(cls, path: Path) -> SklearnModel:
        obj = artifacts.skops_load(path)
        if isinstance(obj, dict):
            task = obj.get("task", "gloss")
            estimator = obj.get("estimator")
            if not isinstance(task, str):
                raise ModelFileError("the skops file's 'task' is not a string")
            return cls(task, estimator)
        return cls("gloss", obj)

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        classes = [str(c) for c in self.estimator.classes_]
        out: list[UtterancePrediction] = []
        for u in utterances:
            feats = utterance_features(u, self.memory, self.memory.lowercase)
            probs = np.asarray(self.estimator.predict_proba(feats)) if feats else np.zeros((0, 0))
            k = 0
            words: list[WordPrediction] = []
            tops: list[float] = []
            for wi, w in enumerate(u.words):
                ranked: list[list[Label]] = []
                for _ in word_units(w):
                    order = np.argsort(-probs[k])[:top_k]
                    ranked.append([{"label": classes[i], "p": float(probs[k][i])} for i in order])
                    tops.append(float(probs[k][order[0]]))
                    k += 1
                if w.morphemes:
                    morphs: list[MorphPrediction] = [
                        {"index": i, "form": m.form, "labels": r}
                        for i, (m, r) in enumerate(zip(w.morphemes, ranked, strict=True))
                    ]
                    words.append(
                        {
                            "index": wi,
                            "form": w.form,
                            "labels": [],
                            "morphemes": morphs,
                            "segmentations": [],
                        }
                    )
                else:
                    words.append(
                        {
                            "index": wi,
                            "form": w.form,
                            "labels": ranked[0],
                            "morphemes": [],
                            "segmentations": [],
                        }
                    )
            out.append({"id": u.id, "words": words, "confidence": confidence(tops)})
        return out

    def save(self, directory: Path) -> None:
        artifacts.write_manifest(
            directory,
            self.task,
            self.kind,
            {},
            {"estimator": "estimator.skops", "memory": "memory.json"},
        )
        artifacts.skops_dump(self.estimator, directory / "estimator.skops")
        artifacts.write_json(directory / "memory.json", self.memory.to_json())

    @classmethod
    def load(cls, directory: Path, manifest: Mapping[str, Any]) -> SklearnModel:
        estimator = artifacts.skops_load(directory / "estimator.skops")
        memory = GlossMemory.from_json(artifacts.read_json(directory / "memory.json"))
        return cls(str(manifest["task"]), estimator, memory)
