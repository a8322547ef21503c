"""A trained linear-chain CRF as plain arrays, decoded in numpy.

sklearn-crfsuite trains; its weights are then kept as a sparse attribute x label matrix and a
label x label transition matrix, stored as safetensors with the vocabularies in JSON, so that a
saved model is never a crfsuite binary or a pickle. Viterbi gives the best sequence; the
forward-backward marginals give the probability of each label at each position.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlworkers.core import artifacts
from mlworkers.core.types import ModelFileError, Reporter, TrainingCancelled

FeatureDict = Mapping[str, float | str]


def attributes(features: FeatureDict) -> list[tuple[str, float]]:
    """crfsuite's naming: a string value becomes the attribute ``key:value`` with weight 1."""
    out = []
    for key, value in features.items():
        if isinstance(value, str):
            out.append((f"{key}:{value}", 1.0))
        else:
            out.append((key, float(value)))
    return out


class Chain:
    def __init__(
        self,
        labels: list[str],
        attrs: list[str],
        indptr: NDArray[np.int64],
        indices: NDArray[np.int32],
        weights: NDArray[np.float32],
        transitions: NDArray[np.float32],
    ) -> None:
        self.labels = labels
        self.attrs = attrs
        self.attr_index = {a: i for i, a in enumerate(attrs)}
        self.indptr = indptr
        self.indices = indices
        self.weights = weights
        self.transitions = transitions

    @classmethod
    def from_crfsuite(cls, crf: Any) -> Chain:
        labels = list(crf.classes_)
        label_index = {label: i for i, label in enumerate(labels)}
        rows: dict[str, list[tuple[int, float]]] = {}
        for (attr, label), w in crf.state_features_.items():
            rows.setdefault(attr, []).append((label_index[label], w))
        attrs = sorted(rows)
        indptr = np.zeros(len(attrs) + 1, dtype=np.int64)
        indices: list[int] = []
        weights: list[float] = []
        for i, attr in enumerate(attrs):
            for j, w in rows[attr]:
                indices.append(j)
                weights.append(w)
            indptr[i + 1] = len(indices)
        trans = np.zeros((len(labels), len(labels)), dtype=np.float32)
        for (a, b), w in crf.transition_features_.items():
            trans[label_index[a], label_index[b]] = w
        return cls(
            labels,
            attrs,
            indptr,
            np.asarray(indices, dtype=np.int32),
            np.asarray(weights, dtype=np.float32),
            trans,
        )

    def emissions(self, sequence: Sequence[FeatureDict]) -> NDArray[np.float64]:
        scores = np.zeros((len(sequence), len(self.labels)), dtype=np.float64)
        for t, features in enumerate(sequence):
            row = scores[t]
            for attr, value in attributes(features):
                i = self.attr_index.get(attr)
                if i is None:
                    continue
                lo, hi = self.indptr[i], self.indptr[i + 1]
                row[self.indices[lo:hi]] += self.weights[lo:hi] * value  # unique per attribute
        return scores

    def decode(self, sequence: Sequence[FeatureDict]) -> tuple[list[int], NDArray[np.float64]]:
        """Best label indices (Viterbi) and the marginal probabilities [T, L]."""
        if not sequence:
            return [], np.zeros((0, len(self.labels)))
        e = self.emissions(sequence)
        tr = self.transitions.astype(np.float64)
        n = len(sequence)
        # Viterbi
        score = e[0].copy()
        back = np.zeros((n, len(self.labels)), dtype=np.int64)
        for t in range(1, n):
            cand = score[:, None] + tr
            back[t] = cand.argmax(axis=0)
            score = cand.max(axis=0) + e[t]
        best = [int(score.argmax())]
        for t in range(n - 1, 0, -1):
            best.append(int(back[t][best[-1]]))
        best.reverse()
        # forward-backward in log space
        alpha = np.zeros_like(e)
        beta = np.zeros_like(e)
        alpha[0] = e[0]
        for t in range(1, n):
            alpha[t] = e[t] + _logsumexp(alpha[t - 1][:, None] + tr, axis=0)
        for t in range(n - 2, -1, -1):
            beta[t] = _logsumexp(tr + (e[t + 1] + beta[t + 1])[None, :], axis=1)
        log_z = _logsumexp(alpha[-1], axis=0)
        marginals = np.exp(alpha + beta - log_z)
        return best, marginals

    def save(self, directory: Path, name: str) -> dict[str, str]:
        from safetensors.numpy import save_file

        save_file(
            {
                "indptr": self.indptr,
                "indices": self.indices,
                "weights": self.weights,
                "transitions": self.transitions,
            },
            str(directory / f"{name}.safetensors"),
        )
        artifacts.write_json(
            directory / f"{name}.json", {"labels": self.labels, "attrs": self.attrs}
        )
        return {f"{name}_weights": f"{name}.safetensors", f"{name}_vocab": f"{name}.json"}

    @classmethod
    def load(cls, directory: Path, name: str) -> Chain:
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        try:
            arrays = load_file(str(directory / f"{name}.safetensors"))
        except (SafetensorError, OSError) as exc:
            raise ModelFileError(f"{name}.safetensors is unreadable: {exc}") from exc
        vocab = artifacts.read_json(directory / f"{name}.json")
        labels, attrs = vocab["labels"], vocab["attrs"]
        chain = cls(
            [str(x) for x in labels],
            [str(x) for x in attrs],
            arrays["indptr"].astype(np.int64),
            arrays["indices"].astype(np.int32),
            arrays["weights"].astype(np.float32),
            arrays["transitions"].astype(np.float32),
        )
        n_labels = len(chain.labels)
        if (
            chain.transitions.shape != (n_labels, n_labels)
            or len(chain.indptr) != len(chain.attrs) + 1
            or (len(chain.indices) and int(chain.indices.max()) >= n_labels)
        ):
            raise ModelFileError(f"{name}: weights and vocabulary do not match")
        return chain


def _logsumexp(x: NDArray[np.float64], axis: int) -> NDArray[np.float64]:
    m = x.max(axis=axis, keepdims=True)
    out: NDArray[np.float64] = (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(
        axis=axis
    )
    return out


def fit(
    xs: Sequence[Sequence[FeatureDict]],
    ys: Sequence[Sequence[str]],
    params: Mapping[str, Any],
    reporter: Reporter,
    *,
    iterations: int,
    span: tuple[float, float],
    message: str,
) -> Chain:
    """Train with sklearn-crfsuite (L-BFGS), reporting and checking cancellation each iteration."""
    import pycrfsuite
    import sklearn_crfsuite

    lo, hi = span
    trainer_cls = _trainer(reporter, iterations, lo, hi, message, pycrfsuite.Trainer)
    crf = sklearn_crfsuite.CRF(
        algorithm="lbfgs",
        c1=params["c1"],
        c2=params["c2"],
        max_iterations=iterations,
        all_possible_transitions=False,
        trainer_cls=trainer_cls,
    )
    try:
        crf.fit([list(x) for x in xs], [list(y) for y in ys])
    except TrainingCancelled:
        raise
    return Chain.from_crfsuite(crf)


def _trainer(
    reporter: Reporter, iterations: int, lo: float, hi: float, message: str, base: Any
) -> Callable[..., Any]:
    class ReportingTrainer(base):  # type: ignore[misc]
        def on_iteration(self, log: str, info: Mapping[str, Any]) -> None:
            num = int(info.get("num", 0))
            loss = info.get("loss")
            reporter.step(
                lo + (hi - lo) * num / max(1, iterations),
                message,
                step=num,
                epoch=num,
                loss=float(loss) if loss is not None else None,
            )

        def on_start(self, log: str) -> None:
            reporter.check()

        def on_featgen_progress(self, log: str, percent: int) -> None:
            reporter.check()

        def on_featgen_end(self, log: str) -> None:
            pass

        def on_prepared(self, log: str) -> None:
            pass

        def on_optimization_end(self, log: str) -> None:
            pass

        def on_end(self, log: str) -> None:
            pass

    return ReportingTrainer
