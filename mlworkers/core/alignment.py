"""Which translation word glosses which unknown stem: a learned scorer over (stem, word) pairs.

The free translation names most stems never seen in training, but a sentence has several
candidate words and several unknown stems. A logistic regression scores each pair from how often
the word turned out to be a stem gloss in training (``rate``), how far apart the two sit
(relative position), the word's length and frequency, whether the word is already an attested
gloss, how much the stem is spelled like the word (loans: ``rekomendar`` / "recomiendo"), and
whether the word's ending fits the stem's affixes (``translation.Agreement``: a stem before a
plural suffix is glossed by a word in ``-s``).
It learns from the training set itself: in each of the CRF's jackknife folds, the stems unseen in
the other folds are paired with the words of their translation, the right pair being the one
whose word is the gold gloss. Pairs are then assigned one word per stem, best first.

The weights are a short vector kept in the model's JSON (no pickle).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import numpy as np

FEATURES = (
    "bias",
    "rate",
    "log_seen",
    "never_seen",
    "distance",
    "near",
    "length",
    "short",
    "attested",
    "spelled_like",
    "spelled_close",
    "digit",
    "crowding",
    "rate_rank0",
    "rate_rank1",
    "agree_before",
    "agree_after",
)
MIN_PAIRS = 20


@dataclass(frozen=True)
class Candidate:
    """A translation word no known stem accounts for, with what training says of it."""

    gloss: str  # what it proposes: the attested gloss it stands for, or the word itself
    token: str
    rate: float
    seen: int
    at: float  # relative position in the translation, 0..1
    attested: bool


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch.isalnum())


def similarity(form: str, token: str) -> float:
    a, b = _plain(form), _plain(token)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def pair_features(
    form: str,
    where: float,
    candidate: Candidate,
    rate_rank: int,
    crowding: float,
    agree: Sequence[float] = (0.0, 0.0),
) -> list[float]:
    distance = abs(where - candidate.at)
    sim = similarity(form, candidate.token)
    return [
        1.0,
        candidate.rate,
        math.log1p(candidate.seen) / 5.0,
        1.0 if candidate.seen == 0 else 0.0,
        distance,
        1.0 if distance < 0.2 else 0.0,
        min(len(candidate.token), 12) / 12.0,
        1.0 if len(candidate.token) <= 3 else 0.0,
        1.0 if candidate.attested else 0.0,
        sim,
        1.0 if sim >= 0.6 else 0.0,
        1.0 if candidate.token.isdigit() else 0.0,
        crowding,
        1.0 if rate_rank == 0 else 0.0,
        1.0 if rate_rank == 1 else 0.0,
        *agree,
    ]


def rate_ranks(candidates: Sequence[Candidate]) -> list[int]:
    order = sorted(range(len(candidates)), key=lambda i: -candidates[i].rate)
    ranks = [0] * len(candidates)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


class PairScorer:
    def __init__(self, weights: Sequence[float] | None = None) -> None:
        self.weights = np.asarray(weights if weights is not None else [], dtype=np.float64)

    @property
    def fitted(self) -> bool:
        return self.weights.size == len(FEATURES)

    def fit(self, rows: Sequence[Sequence[float]], labels: Sequence[int], seed: int) -> None:
        """Logistic regression over the pairs; too few (or one-sided) pairs leave it unfitted."""
        if len(rows) < MIN_PAIRS or len(set(labels)) < 2:
            self.weights = np.asarray([], dtype=np.float64)
            return
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(rows, dtype=np.float64)
        clf = LogisticRegression(C=1.0, max_iter=500, random_state=seed, fit_intercept=False)
        clf.fit(x, np.asarray(labels))
        self.weights = clf.coef_[0].astype(np.float64)

    def score(self, row: Sequence[float]) -> float:
        z = float(np.dot(self.weights, np.asarray(row, dtype=np.float64)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "weights": [float(w) for w in self.weights]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairScorer:
        if list(data.get("features", [])) != list(FEATURES):
            return cls()
        return cls([float(w) for w in data["weights"]])


def is_gloss_of(gold: str, candidate: Candidate) -> bool:
    """The pair is right: the word (or the gloss it stands for) is the gold stem gloss or a part."""
    g = gold.lower()
    if g in (candidate.gloss, candidate.token):
        return True
    parts = {p for p in g.replace("@", ".").replace("/", ".").replace("-", ".").split(".") if p}
    return candidate.token in parts or candidate.gloss in parts
