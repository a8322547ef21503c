"""Inter-coder agreement, exact and vectorised (no Python loop over frames or units).

Conventions shared by every coefficient here:

* Ratings are a ``(coders, units)`` array, the "reliability data matrix" of Krippendorff; a unit
  is a frame for frame-level data. ``NaN`` marks a missing rating.
* A coefficient that is undefined (no pairable data, or no variation at all so that expected
  disagreement is zero, e.g. both coders only ever said "absent") is ``NaN``. The report helpers
  turn ``NaN`` into ``None`` so the result is valid JSON, and always give the raw observed
  agreement and counts next to it so a UI can say *why* there is no coefficient.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from annotations.affect.model import FloatArray, Layer
from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    DIMENSIONS,
    MAX_INTENSITY,
    UNSCORABLE,
    AffectSchema,
)

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike
_FAST_CODES: Final = 64
_MAX_CATEGORIES: Final = 4096


def _ratings(data: ArrayLike, min_coders: int = 2) -> FloatArray:
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"ratings must be a (coders, units) matrix, got shape {array.shape}")
    if array.shape[0] < min_coders:
        raise ValueError(f"need at least {min_coders} coders, got {array.shape[0]}")
    return array


def _encode(values: FloatArray) -> tuple[IntArray, FloatArray]:
    """Category codes (``-1`` for NaN) and the sorted distinct values they stand for.

    Small non-negative integers (AU intensities, occurrence, category indices) skip the sort
    that ``np.unique`` would do: on a coder-hour of frames that is most of the run time.
    """
    finite = ~np.isnan(values)
    present = values[finite]
    if (
        present.size
        and present.min() >= 0
        and present.max() < _FAST_CODES
        and np.array_equal(present, np.floor(present))
    ):
        raw = np.where(finite, values, 0).astype(np.int64)
        used = np.bincount(raw[finite], minlength=_FAST_CODES) > 0
        remap = np.cumsum(used) - 1
        codes = np.where(finite, remap[raw], -1)
        return codes, np.flatnonzero(used).astype(np.float64)
    categories, inverse = np.unique(present, return_inverse=True)
    codes = np.full(values.shape, -1, dtype=np.int64)
    codes[finite] = inverse.reshape(-1)
    return codes, categories.astype(np.float64)


def observed_agreement(a: ArrayLike, b: ArrayLike) -> float:
    """Share of units, among those both coders rated, where they gave the same value."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    both = ~(np.isnan(x) | np.isnan(y))
    n = int(both.sum())
    return float((x[both] == y[both]).sum() / n) if n else math.nan


def cohen_kappa(a: ArrayLike, b: ArrayLike) -> float:
    """Cohen's κ for two coders and nominal labels; units either coder left out are dropped."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("cohen_kappa needs two 1-D arrays of equal length")
    both = ~(np.isnan(x) | np.isnan(y))
    n = int(both.sum())
    if n == 0:
        return math.nan
    codes, categories = _encode(np.concatenate([x[both], y[both]]))
    return _kappa(_confusion(codes[:n], codes[n:], len(categories)))


def _confusion(ca: IntArray, cb: IntArray, k: int) -> FloatArray:
    """``k x k`` table of two coders' codes over the units both rated (code ``-1`` = missing)."""
    both = (ca >= 0) & (cb >= 0)
    flat = ca[both] * k + cb[both]
    return np.bincount(flat, minlength=k * k).reshape(k, k).astype(np.float64)


def _kappa(table: FloatArray) -> float:
    n = table.sum()
    if n == 0:
        return math.nan
    p_o = np.trace(table) / n
    p_e = float(table.sum(axis=1) @ table.sum(axis=0)) / (n * n)
    if p_e >= 1.0:
        return math.nan
    return float((p_o - p_e) / (1.0 - p_e))


def _unit_counts(codes: IntArray, k: int) -> FloatArray:
    """``(units, k)``: how many coders gave each code to each unit (as floats, for matmul)."""
    units = codes.shape[1]
    if k <= 16:
        columns = [(codes == c).sum(axis=0, dtype=np.float64) for c in range(k)]
        return np.ascontiguousarray(np.stack(columns, axis=1))
    rated = codes >= 0
    unit_idx = np.broadcast_to(np.arange(units)[None, :], codes.shape)
    flat = unit_idx[rated] * k + codes[rated]
    return np.bincount(flat, minlength=units * k).reshape(units, k).astype(np.float64)


def _row_sums(table: FloatArray) -> FloatArray:
    # Adding columns beats ndarray.sum(axis=1) by an order of magnitude on tall, narrow tables,
    # and unlike a matmul it does not wake BLAS threads that fight over a busy worker's cores.
    out = np.zeros(table.shape[0])
    for j in range(table.shape[1]):
        out += table[:, j]
    return out


def fleiss_kappa_from_counts(counts: ArrayLike) -> float:
    """Fleiss' κ from a ``(subjects, categories)`` table of how many raters chose each category.

    Every subject must have the same number of raters (Fleiss 1971).
    """
    table = np.asarray(counts, dtype=np.float64)
    if table.ndim != 2 or table.shape[0] == 0:
        return math.nan
    per_subject = _row_sums(table)
    n = per_subject[0]
    if not np.all(per_subject == n):
        raise ValueError("Fleiss' kappa needs the same number of ratings for every subject")
    if n < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per subject")
    subjects = table.shape[0]
    p_j = table.sum(axis=0) / (subjects * n)
    p_i = (_row_sums(table * table) - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_e = float((p_j * p_j).sum())
    if p_e >= 1.0:
        return math.nan
    return float((p_bar - p_e) / (1.0 - p_e))


def fleiss_kappa(ratings: ArrayLike) -> float:
    """Fleiss' κ from a ``(coders, units)`` matrix; units not rated by every coder are dropped."""
    data = _ratings(ratings)
    data = data[:, ~np.isnan(data).any(axis=0)]
    if data.shape[1] == 0:
        return math.nan
    codes, categories = _encode(data)
    return fleiss_kappa_from_counts(_unit_counts(codes, len(categories)))


def _delta2(metric: Metric, values: FloatArray, n_c: FloatArray) -> FloatArray:
    if metric == "nominal":
        return 1.0 - np.eye(len(values))
    if metric == "interval":
        return np.subtract.outer(values, values) ** 2
    if metric == "ratio":
        total = np.add.outer(values, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(total == 0, 0.0, np.subtract.outer(values, values) / total)
        return np.asarray(d**2, dtype=np.float64)
    if metric == "ordinal":
        # δ²(c,k) = (Σ_{g=c..k} n_g - (n_c + n_k)/2)², ranks taken from the values' order.
        cum = np.cumsum(n_c)
        lo = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        hi = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cum[hi] - cum[lo] + n_c[lo]
        return np.asarray((between - (n_c[lo] + n_c[hi]) / 2.0) ** 2, dtype=np.float64)
    raise ValueError(f"unknown metric {metric!r}")


def krippendorff_alpha(ratings: ArrayLike, metric: Metric = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, missing values allowed (Krippendorff 2011).

    Built from the coincidence matrix; units with fewer than two ratings are not pairable and
    drop out. Values are numbers; for ``nominal`` they are only labels.
    """
    data = _ratings(ratings, min_coders=1)
    if metric == "interval":
        return _interval_alpha(data)
    codes, values = _encode(data)
    v = len(values)
    if v == 0:
        return math.nan
    if v > _MAX_CATEGORIES:
        raise ValueError(
            f"{v} distinct values is too many for the {metric} metric (limit {_MAX_CATEGORIES});"
            " use 'interval' for continuous data"
        )
    return _alpha_from_counts(_unit_counts(codes, v), values, metric)


def _alpha_from_counts(per_unit: FloatArray, values: FloatArray, metric: Metric) -> float:
    """Alpha from ``(units, values)`` rating counts via the coincidence matrix (Krippendorff)."""
    m_u = _row_sums(per_unit)
    pairable = m_u >= 2
    n_uv = per_unit[pairable]
    weights = 1.0 / (m_u[pairable] - 1.0)
    weighted = n_uv * weights[:, None]
    coincidence = np.einsum("uc,uk->ck", weighted, n_uv) - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return math.nan
    delta2 = _delta2(metric, values, n_c)
    expected = float((np.outer(n_c, n_c) * delta2).sum())
    if expected == 0.0:
        return math.nan
    observed = float((coincidence * delta2).sum())
    return float(1.0 - (n - 1.0) * observed / expected)


def _interval_alpha(data: FloatArray) -> float:
    """Interval alpha without a coincidence matrix, so continuous traces (one distinct value per
    frame) cost O(values): with δ² = (c - k)², the sum of δ² over ordered pairs within a set of
    m values is 2·m·SS, SS being the sum of squares about the set's mean. Hence
    alpha = 1 - (n - 1)·Σ_u [m_u·SS_u/(m_u - 1)] / (n·SS_all) over pairable units.
    """
    rated = ~np.isnan(data)
    m_u = rated.sum(axis=0)
    pairable = m_u >= 2
    if not pairable.any():
        return math.nan
    x = np.where(rated, data, 0.0)[:, pairable]
    ok = rated[:, pairable]
    m = m_u[pairable].astype(np.float64)
    means = x.sum(axis=0) / m
    ss_units = (np.where(ok, x - means, 0.0) ** 2).sum(axis=0)
    pooled = x[ok]
    n = float(pooled.size)
    ss_all = float(((pooled - pooled.mean()) ** 2).sum())
    if ss_all == 0.0:
        return math.nan
    observed = float((m * ss_units / (m - 1.0)).sum())
    return 1.0 - (n - 1.0) * observed / (n * ss_all)


def icc(ratings: ArrayLike) -> dict[str, float]:
    """Single-rater ICCs of Shrout & Fleiss (1979) from a ``(coders, units)`` matrix.

    ``icc_2_1``: two-way random effects, absolute agreement: coders are a sample of possible
    coders and a coder who is systematically higher counts as disagreeing. This is the one the
    reports lead with. ``icc_3_1``: two-way mixed, consistency: systematic offsets between these
    fixed coders are forgiven. Units any coder left out are dropped (ANOVA needs a full table).
    """
    data = _ratings(ratings)
    data = data[:, ~np.isnan(data).any(axis=0)]
    k, n = data.shape
    nan = {"icc_2_1": math.nan, "icc_3_1": math.nan, "n": float(n)}
    if n < 2:
        return nan
    grand = data.mean()
    ss_total = float(((data - grand) ** 2).sum())
    ss_units = k * float(((data.mean(axis=0) - grand) ** 2).sum())
    ss_coders = n * float(((data.mean(axis=1) - grand) ** 2).sum())
    ss_error = ss_total - ss_units - ss_coders
    bms = ss_units / (n - 1)
    jms = ss_coders / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    den2 = bms + (k - 1) * ems + k * (jms - ems) / n
    den3 = bms + (k - 1) * ems
    return {
        "icc_2_1": (bms - ems) / den2 if den2 != 0 else math.nan,
        "icc_3_1": (bms - ems) / den3 if den3 != 0 else math.nan,
        "n": float(n),
    }


def ccc(a: ArrayLike, b: ArrayLike) -> float:
    """Lin's (1989) concordance correlation, with 1/n moments as Lin defines it."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    both = ~(np.isnan(x) | np.isnan(y))
    x, y = x[both], y[both]
    if x.size == 0:
        return math.nan
    mx, my = x.mean(), y.mean()
    sxy = float(((x - mx) * (y - my)).mean())
    den = float(x.var() + y.var() + (mx - my) ** 2)
    return 2.0 * sxy / den if den != 0 else math.nan


# --- reports over layers -------------------------------------------------------------------


def _json(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 6)


def frame_matrix(
    layers: Sequence[Layer],
    track: str,
    fps: float,
    n_frames: int,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> FloatArray:
    """``(coders, frames)`` values of one track, one row per layer in the given order."""
    return np.stack([layer.frames(track, fps, n_frames, schema) for layer in layers])


def _pairs(layers: Sequence[Layer]) -> list[tuple[int, int]]:
    return list(itertools.combinations(range(len(layers)), 2))


_LEVELS: Final = np.arange(MAX_INTENSITY + 1, dtype=np.float64)


def _occurrence_and_level(intensity: FloatArray) -> tuple[IntArray, IntArray]:
    """Occurrence (0/1) and intensity level (0..5) codes, ``-1`` where unscorable or uncoded."""
    missing = np.isnan(intensity) | (intensity == UNSCORABLE)
    clean = np.where(missing, 0.0, intensity)
    occurrence = np.where(missing, -1, clean >= 1).astype(np.int64)
    level = np.where(missing, -1, np.clip(np.rint(clean), 0, MAX_INTENSITY)).astype(np.int64)
    return occurrence, level


def au_agreement(
    layers: Sequence[Layer],
    fps: float,
    n_frames: int,
    aus: Sequence[str] | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> dict[str, Any]:
    """Frame-level AU agreement, ready for JSON.

    Occurrence is intensity ≥ 1 (A or more); unscorable frames are missing. Intensity alpha is
    on levels 0..5, continuous model intensities (OpenFace) rounded to the nearest. ``kappa``,
    ``agreement`` and ``frames`` are ``pairs x aus`` matrices (rows follow ``pairs``) for a
    heatmap; ``fleiss_kappa`` and ``intensity_alpha`` (ordinal alpha on 0..5) are per AU.
    """
    codes = list(aus) if aus is not None else list(schema.au_codes)
    pairs = _pairs(layers)
    kappa = np.full((len(pairs), len(codes)), np.nan)
    agree = np.full((len(pairs), len(codes)), np.nan)
    frames = np.zeros((len(pairs), len(codes)), dtype=np.int64)
    fleiss: list[float | None] = []
    alpha: list[float | None] = []
    levels = _LEVELS
    for j, au in enumerate(codes):
        occurrence, level = _occurrence_and_level(frame_matrix(layers, au, fps, n_frames, schema))
        for p, (a, b) in enumerate(pairs):
            table = _confusion(occurrence[a], occurrence[b], 2)
            frames[p, j] = int(table.sum())
            kappa[p, j] = _kappa(table)
            agree[p, j] = np.trace(table) / table.sum() if frames[p, j] else np.nan
        counts = _unit_counts(occurrence, 2)
        complete = counts[_row_sums(counts) == len(layers)]
        fleiss.append(_json(fleiss_kappa_from_counts(complete) if len(complete) else math.nan))
        alpha.append(_json(_alpha_from_counts(_unit_counts(level, len(levels)), levels, "ordinal")))
    return {
        "coders": [layer.annotator for layer in layers],
        "pairs": [[layers[a].annotator, layers[b].annotator] for a, b in pairs],
        "aus": codes,
        "fps": fps,
        "n_frames": n_frames,
        "occurrence": {
            "kappa": [[_json(v) for v in row] for row in kappa],
            "agreement": [[_json(v) for v in row] for row in agree],
            "frames": frames.tolist(),
            "fleiss_kappa": fleiss,
        },
        "intensity": {"alpha_ordinal": alpha},
    }


def dimension_agreement(
    layers: Sequence[Layer],
    fps: float,
    n_frames: int,
    dimensions: Sequence[str] = DIMENSIONS,
) -> dict[str, Any]:
    """ICC(2,1), ICC(3,1), interval alpha and pairwise CCC for valence/arousal, ready for JSON."""
    pairs = _pairs(layers)
    result: dict[str, Any] = {
        "coders": [layer.annotator for layer in layers],
        "pairs": [[layers[a].annotator, layers[b].annotator] for a, b in pairs],
    }
    for name in dimensions:
        data = frame_matrix(layers, name, fps, n_frames)
        iccs = icc(data)
        result[name] = {
            "icc_2_1": _json(iccs["icc_2_1"]),
            "icc_3_1": _json(iccs["icc_3_1"]),
            "frames_all_coders": int(iccs["n"]),
            "alpha_interval": _json(krippendorff_alpha(data, "interval")),
            "ccc": [_json(ccc(data[a], data[b])) for a, b in pairs],
        }
    return result


def agreement_report(
    layers: Sequence[Layer],
    fps: float,
    n_frames: int,
    aus: Sequence[str] | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> dict[str, Any]:
    """Everything the agreement page shows for one video: AUs, dimensions, emotion categories."""
    if len(layers) < 2:
        raise ValueError("agreement needs at least two layers")
    emotions = frame_matrix(layers, "emotion", fps, n_frames, schema)
    pairs = _pairs(layers)
    return {
        "au": au_agreement(layers, fps, n_frames, aus, schema),
        "dimensions": dimension_agreement(layers, fps, n_frames, schema.dimensions),
        "emotion": {
            "category_set": schema.emotions.name,
            "kappa": [_json(cohen_kappa(emotions[a], emotions[b])) for a, b in pairs],
            "fleiss_kappa": _json(fleiss_kappa(emotions)),
            "alpha_nominal": _json(krippendorff_alpha(emotions, "nominal")),
        },
    }


@dataclass(frozen=True)
class VideoRatings:
    """The coder layers of one video and the frame grid they are compared on."""

    layers: Sequence[Layer]
    fps: float
    n_frames: int


def project_au_agreement(
    videos: Sequence[VideoRatings],
    aus: Sequence[str] | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> dict[str, Any]:
    """AU agreement over many videos, ready for JSON.

    ``videos`` gives each video's summary (Fleiss' κ on occurrence, ordinal α on intensity, per
    AU). ``pooled`` takes every frame of every video as a unit: ``kappa`` is Cohen's κ of the
    2x2 occurrence table summed over every coder pair of every video (``pair_frames`` units),
    ``alpha_nominal`` Krippendorff's α on occurrence and ``alpha_ordinal`` on intensity levels,
    both from the coincidences of all frames (videos may have different coders).
    """
    codes = list(aus) if aus is not None else list(schema.au_codes)
    summaries: list[dict[str, Any]] = []
    for video in videos:
        report = au_agreement(video.layers, video.fps, video.n_frames, codes, schema)
        summaries.append(
            {
                "coders": report["coders"],
                "n_frames": video.n_frames,
                "fleiss_kappa": report["occurrence"]["fleiss_kappa"],
                "alpha_ordinal": report["intensity"]["alpha_ordinal"],
            }
        )
    kappa: list[float | None] = []
    pair_frames: list[int] = []
    alpha_nominal: list[float | None] = []
    alpha_ordinal: list[float | None] = []
    binary = np.array([0.0, 1.0])
    for au in codes:
        table = np.zeros((2, 2))
        occurrence_counts = [np.zeros((0, 2))]
        level_counts = [np.zeros((0, len(_LEVELS)))]
        for video in videos:
            intensity = frame_matrix(video.layers, au, video.fps, video.n_frames, schema)
            occurrence, level = _occurrence_and_level(intensity)
            for a, b in _pairs(video.layers):
                table += _confusion(occurrence[a], occurrence[b], 2)
            occurrence_counts.append(_unit_counts(occurrence, 2))
            level_counts.append(_unit_counts(level, len(_LEVELS)))
        kappa.append(_json(_kappa(table)))
        pair_frames.append(int(table.sum()))
        occ = np.concatenate(occurrence_counts)
        lev = np.concatenate(level_counts)
        alpha_nominal.append(_json(_alpha_from_counts(occ, binary, "nominal")))
        alpha_ordinal.append(_json(_alpha_from_counts(lev, _LEVELS, "ordinal")))
    return {
        "aus": codes,
        "videos": summaries,
        "pooled": {
            "videos": len(videos),
            "frames": sum(video.n_frames for video in videos),
            "kappa": kappa,
            "pair_frames": pair_frames,
            "alpha_nominal": alpha_nominal,
            "alpha_ordinal": alpha_ordinal,
        },
    }
