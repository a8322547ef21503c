"""Per-AU, emotion and valence/arousal models over face features (scikit-learn, saved with skops).

One shared reducer (standardise, then PCA) feeds every head, so training and prediction cost one
projection per frame whatever the number of AUs:

* AU occurrence: logistic regression (class-balanced: most frames of most AUs are "absent");
* AU intensity: ridge regression on the FACS intensity (0 where absent), clipped to 0..5;
* emotion category: multinomial logistic regression;
* valence and arousal: ridge regression, clipped to [-1, 1].

Files are skops archives, loaded only when every type in them is one this module writes; an
archive holding anything else (a pickle payload, a foreign estimator) is refused, never run.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from mlworkers.face.version import PIPELINE_VERSION

# scikit-learn and skops are imported where a model is fitted, saved, loaded or scored: the web
# process imports this module's types through the affect services, and skops's import of
# scikit-learn brings torch with it (600 MB before a web process's first request).
if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import Pipeline

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
FORMAT_VERSION: Final = 1
# Prediction is a few small matrix products per batch. Left to itself, OpenBLAS wakes a thread
# per core for each and they spin after it, taking the cores the face mesh needs: 8.7 ms of CPU
# a frame end to end instead of 4.8 (bench/facecoding.py).
_BLAS = ThreadpoolController()
# The types a face model archive may contain; skops refuses to build anything else.
TRUSTED_TYPES: Final = (
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.decomposition._pca.PCA",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._ridge.Ridge",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float64",
    "numpy.float32",
    "numpy.int64",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
)


class UntrustedModel(ValueError):
    """A model file holds types a face model never contains."""


@dataclass
class TrainingSet:
    """Frame-aligned features and labels; ``NaN`` marks a frame the source did not code."""

    features: F32
    aus: dict[str, F64] = field(default_factory=dict)  # intensity 0..5 per frame
    emotion: F64 | None = None  # category index per frame
    valence: F64 | None = None
    arousal: F64 | None = None
    crops: U8 | None = None  # (n, 112, 112) aligned grey faces, for image-model backends

    def subset(self, mask: npt.NDArray[np.bool_]) -> TrainingSet:
        def cut(a: F64 | None) -> F64 | None:
            return None if a is None else a[mask]

        return TrainingSet(
            self.features[mask],
            {k: v[mask] for k, v in self.aus.items()},
            cut(self.emotion),
            cut(self.valence),
            cut(self.arousal),
            None if self.crops is None else self.crops[mask],
        )


@dataclass
class Predictions:
    au_probability: dict[str, F64]
    au_intensity: dict[str, F64]
    emotion_probability: F64 | None  # (n, categories)
    valence: F64 | None
    arousal: F64 | None


class Predictor(Protocol):
    """What coding a video needs from a face model, whatever computes it: the scikit-learn
    heads over features (:class:`FaceModels`) or an image model over the aligned crops
    (:mod:`mlworkers.face.transformer`; a multi-task face transformer would be another)."""

    @property
    def aus(self) -> list[str]: ...

    @property
    def categories(self) -> list[str]: ...

    def predict_faces(self, features: F32, crops: U8 | None) -> Predictions: ...


@dataclass
class FaceModels:
    reducer: Pipeline
    au_occurrence: dict[str, LogisticRegression]
    au_intensity: dict[str, Ridge]
    emotion: LogisticRegression | None
    categories: list[str]
    dimensions: dict[str, Ridge]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def aus(self) -> list[str]:
        return sorted(self.au_occurrence)

    def predict_faces(self, features: F32, crops: U8 | None = None) -> Predictions:
        return self.predict(features)

    def predict(self, features: F32) -> Predictions:
        if not len(features):
            empty = np.zeros(0)
            return Predictions(
                {a: empty for a in self.aus},
                {a: empty for a in self.aus},
                np.zeros((0, len(self.categories))) if self.emotion is not None else None,
                empty if "valence" in self.dimensions else None,
                empty if "arousal" in self.dimensions else None,
            )
        with _BLAS.limit(limits=1, user_api="blas"):
            return self._predict(features)

    def _predict(self, features: F32) -> Predictions:
        z = self.reducer.transform(features)
        probability = {au: m.predict_proba(z)[:, 1] for au, m in self.au_occurrence.items()}
        intensity = {au: np.clip(m.predict(z), 0.0, 5.0) for au, m in self.au_intensity.items()}
        emotion = None
        if self.emotion is not None:
            raw = self.emotion.predict_proba(z)
            # The model knows only the categories it saw; the others get probability 0.
            emotion = np.zeros((len(z), len(self.categories)))
            emotion[:, [int(c) for c in self.emotion.classes_]] = raw
        dims = {name: np.clip(m.predict(z), -1.0, 1.0) for name, m in self.dimensions.items()}
        return Predictions(
            probability, intensity, emotion, dims.get("valence"), dims.get("arousal")
        )


def _coded(values: F64 | None) -> npt.NDArray[np.bool_]:
    if values is None:
        return np.zeros(0, dtype=bool)
    return np.asarray(~np.isnan(values))


def train(
    data: TrainingSet,
    categories: list[str],
    *,
    components: int = 64,
    c: float = 0.1,
    alpha: float = 10.0,
    meta: dict[str, Any] | None = None,
) -> FaceModels:
    """Fit every head that has labels with both classes (an AU never coded present, or only
    present, cannot be learned and is listed in ``meta["skipped"]``)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    n = len(data.features)
    if n < 4:
        raise ValueError(f"training needs at least 4 coded frames, got {n}")
    k = max(1, min(components, n - 1, data.features.shape[1]))
    reducer = Pipeline(
        [("scale", StandardScaler()), ("pca", PCA(k, svd_solver="randomized", random_state=0))]
    )
    z = reducer.fit_transform(data.features)
    occurrence: dict[str, LogisticRegression] = {}
    intensity: dict[str, Ridge] = {}
    skipped: list[str] = []
    for au, values in sorted(data.aus.items()):
        ok = _coded(values)
        present = values[ok] > 0
        if present.all() or not present.any():
            skipped.append(au)
            continue
        occurrence[au] = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(
            z[ok], present.astype(int)
        )
        intensity[au] = Ridge(alpha=alpha).fit(z[ok], np.clip(values[ok], 0, 5))
    emotion = None
    if data.emotion is not None:
        ok = _coded(data.emotion)
        if len(np.unique(data.emotion[ok])) >= 2:
            emotion = LogisticRegression(C=c, max_iter=2000).fit(
                z[ok], data.emotion[ok].astype(int)
            )
    dimensions: dict[str, Ridge] = {}
    targets: dict[str, F64 | None] = {"valence": data.valence, "arousal": data.arousal}
    for name, target in targets.items():
        if target is None:
            continue
        values = target
        ok = _coded(values)
        if ok.sum() >= 2:
            dimensions[name] = Ridge(alpha=alpha).fit(z[ok], values[ok])
    info = {
        "format": FORMAT_VERSION,
        "pipeline": PIPELINE_VERSION,
        "frames": n,
        "components": k,
        "skipped": skipped,
        **(meta or {}),
    }
    return FaceModels(reducer, occurrence, intensity, emotion, categories, dimensions, info)


def dumps(models: FaceModels) -> bytes:
    payload = {
        "reducer": models.reducer,
        "au_occurrence": models.au_occurrence,
        "au_intensity": models.au_intensity,
        "emotion": models.emotion,
        "categories": list(models.categories),
        "dimensions": models.dimensions,
        "meta": models.meta,
    }
    import skops.io as sio

    data: bytes = sio.dumps(payload, compression=8)
    return data


def _archive_types(data: bytes) -> set[str]:
    """Every type named in a skops archive's schema (skops's own check lists only the types it
    does not trust by default, and it trusts every scikit-learn estimator)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def loads(data: bytes) -> FaceModels:
    """Load an archive written by :func:`dumps`; anything else is :class:`UntrustedModel`."""
    import skops.io as sio

    try:
        found = _archive_types(data)
        untrusted = sio.get_untrusted_types(data=data)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UntrustedModel(f"not a skops model archive: {exc}") from None
    foreign = sorted((found | set(untrusted)) - set(TRUSTED_TYPES))
    if foreign:
        raise UntrustedModel(f"the model file holds types a face model never has: {foreign}")
    payload = sio.loads(data, trusted=list(untrusted))
    if not isinstance(payload, dict) or payload.get("meta", {}).get("format") != FORMAT_VERSION:
        raise UntrustedModel("the file is not a face model of this version")
    return FaceModels(
        payload["reducer"],
        payload["au_occurrence"],
        payload["au_intensity"],
        payload["emotion"],
        list(payload["categories"]),
        payload["dimensions"],
        payload["meta"],
    )


@dataclass(frozen=True)
class Evaluation:
    au_f1: dict[str, float]
    au_prevalence: dict[str, float]  # share of present frames in the test set
    emotion_accuracy: float | None
    emotion_chance: float | None  # accuracy of always answering the commonest test category
    valence_mae: float | None
    arousal_mae: float | None


def evaluate(models: Predictor, data: TrainingSet, threshold: float = 0.5) -> Evaluation:
    """Frame-level scores on held-out frames, per AU that occurs in them. The chance level of an
    AU's F1 is its prevalence (a coin that says "present" as often as the AU is); of emotion,
    the majority category."""
    from sklearn.metrics import f1_score

    pred = models.predict_faces(data.features, data.crops)
    f1: dict[str, float] = {}
    prevalence: dict[str, float] = {}
    for au in models.aus:
        if au not in data.aus:
            continue
        ok = _coded(data.aus[au])
        truth = data.aus[au][ok] > 0
        if not truth.any():
            continue  # F1 says nothing about an AU the held-out frames never show
        guess = pred.au_probability[au][ok] >= threshold
        f1[au] = float(f1_score(truth, guess, zero_division=0.0))
        prevalence[au] = float(truth.mean()) if len(truth) else math.nan
    accuracy = chance = None
    if pred.emotion_probability is not None and data.emotion is not None:
        ok = _coded(data.emotion)
        truth_e = data.emotion[ok].astype(int)
        guess_e = pred.emotion_probability[ok].argmax(axis=1)
        accuracy = float((truth_e == guess_e).mean())
        chance = float(np.bincount(truth_e).max() / len(truth_e))

    def mae(p: F64 | None, t: F64 | None) -> float | None:
        if p is None or t is None:
            return None
        ok = _coded(t)
        return float(np.abs(p[ok] - t[ok]).mean())

    return Evaluation(
        f1,
        prevalence,
        accuracy,
        chance,
        mae(pred.valence, data.valence),
        mae(pred.arousal, data.arousal),
    )
