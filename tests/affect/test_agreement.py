"""Agreement coefficients against published and hand-computed values."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

from annotations.affect.agreement import (
    agreement_report,
    au_agreement,
    ccc,
    cohen_kappa,
    dimension_agreement,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    icc,
    krippendorff_alpha,
    observed_agreement,
)
from annotations.affect.model import Layer, Segment, Trace

NAN = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1..5, missing values; unit 12 has one value and is not pairable.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]

# Fleiss (1971) via Wikipedia "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Shrout & Fleiss (1979) Table 2: 6 targets (rows) rated by 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_cohen_kappa_wikipedia_yes_no_example() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = 35/50 = 0.7; A says yes 25/50, B 30/50: p_e = 0.5·0.6 + 0.5·0.4 = 0.5;
    # κ = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)
    assert observed_agreement(a, b) == pytest.approx(0.7)


def test_cohen_kappa_skips_missing_and_handles_degenerate_cases() -> None:
    # Only units 0, 1, 3 are rated by both: (0,0), (1,1), (2,1).
    # p_o = 2/3; A: {0:1, 1:1, 2:1}/3, B: {0:1, 1:2}/3 → p_e = (1·1 + 1·2)/9 = 1/3;
    # κ = (2/3 - 1/3) / (2/3) = 0.5.
    assert cohen_kappa([0, 1, NAN, 2], [0, 1, 1, 1]) == pytest.approx(0.5)
    assert cohen_kappa([0, 1, 2], [0, 1, 2]) == 1.0  # all agree over several categories
    assert math.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))  # one category only: p_e = 1
    assert math.isnan(cohen_kappa([1, NAN], [NAN, 1]))  # no overlap
    # Systematic disagreement on two balanced categories: p_o = 0, p_e = 0.5 → κ = -1.
    assert cohen_kappa([0, 1, 0, 1], [1, 0, 1, 0]) == -1.0


def test_fleiss_kappa_fleiss_1971_example() -> None:
    # Σ_j n_ij² per subject = 196, 60, 70, 94, 74, 98, 58, 46, 66, 66 (total 828);
    # P̄ = (828 - 10·14) / (10·14·13) = 172/455 = 0.378;
    # column totals 20, 28, 39, 21, 32 of 140 → P̄e = Σ p_j² = 417/1960 = 0.213;
    # κ = (172/455 - 417/1960) / (1 - 417/1960) = 4211/20059 = 0.2099.
    assert fleiss_kappa_from_counts(FLEISS_1971) == pytest.approx(4211 / 20059, abs=1e-12)
    assert round(fleiss_kappa_from_counts(FLEISS_1971), 3) == 0.210


def test_fleiss_kappa_from_ratings_matches_counts_and_two_coder_scott_pi() -> None:
    ratings = np.array([[0, 1, 1, 0, 2, 2], [0, 1, 0, 0, 2, 1], [0, 1, 1, NAN, 2, 2]])
    # Unit 3 has a missing rating and is dropped; the rest as counts over categories 0, 1, 2:
    counts = [[3, 0, 0], [0, 3, 0], [1, 2, 0], [0, 0, 3], [0, 1, 2]]
    assert fleiss_kappa(ratings) == pytest.approx(fleiss_kappa_from_counts(counts), abs=1e-15)
    # Hand: Σn² = 9, 9, 5, 9, 5 → P̄ = (37 - 15)/(5·3·2) = 22/30; p = 4/15, 6/15, 5/15 →
    # P̄e = (16 + 36 + 25)/225 = 77/225; κ = (22/30 - 77/225) / (1 - 77/225) = 88/148 = 22/37.
    assert fleiss_kappa(ratings) == pytest.approx(22 / 37, abs=1e-12)
    assert fleiss_kappa([[1, 1, 1], [1, 1, 1]]) != fleiss_kappa([[1, 2, 1], [1, 1, 1]])
    assert math.isnan(fleiss_kappa([[1, 1, 1], [1, 1, 1]]))


@pytest.mark.parametrize(
    ("metric", "expected", "published"),
    [
        # Coincidence matrix (values 1..5), as printed in the paper:
        #   7   4/3 1/3 1/3 0 | 9
        #   4/3 10  4/3 1/3 0 | 13
        #   1/3 4/3 8   1/3 0 | 10
        #   1/3 1/3 1/3 4   0 | 5
        #   0   0   0   0   3 | 3        n = 40
        # nominal: D_o = Σ_{c≠k} o_ck = 8, D_e = Σ_{c≠k} n_c n_k = 1216
        #          alpha = 1 - 39·8/1216 = 113/152 = 0.743
        ("nominal", 113 / 152, 0.743),
        # ordinal: δ²_ck = (Σ_{g=c..k} n_g - (n_c + n_k)/2)² → alpha = 108577/133160 = 0.815
        ("ordinal", 108577 / 133160, 0.815),
        # interval: δ² = (c - k)²: D_o = 52/3, D_e = 4480, alpha = 1 - 39·(52/3)/4480 = 951/1120
        ("interval", 951 / 1120, 0.849),
        ("ratio", None, 0.797),
    ],
)
def test_krippendorff_alpha_published_example(
    metric: str, expected: float | None, published: float
) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, metric)
    if expected is not None:
        assert alpha == pytest.approx(expected, abs=1e-12)
    assert round(alpha, 3) == published


def test_krippendorff_alpha_degenerate_cases() -> None:
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]], "nominal") == 1.0
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]], "ordinal") == 1.0
    assert math.isnan(krippendorff_alpha([[2, 2, 2], [2, 2, 2]]))  # one value: D_e = 0
    assert math.isnan(krippendorff_alpha([[1, NAN], [NAN, 1]]))  # nothing pairable
    # Two coders, two units each disagreeing on a binary: o_01 = o_10 = 2, n = 4,
    # D_o = 4, D_e = 2·2·2 = 8: alpha = 1 - 3·4/8 = -0.5.
    assert krippendorff_alpha([[0, 1], [1, 0]]) == pytest.approx(-0.5)


def test_icc_shrout_fleiss_table() -> None:
    # Two-way ANOVA: BMS = 1349/120 = 11.24, JMS = 2339/72 = 32.49, EMS = 367/360 = 1.02, n=6, k=4
    # ICC(2,1) = (BMS - EMS) / (BMS + 3·EMS + 4·(JMS - EMS)/6) = 184/635 = 0.29
    # ICC(3,1) = (BMS - EMS) / (BMS + 3·EMS) = 920/1287 = 0.71   (published 0.29 and 0.71)
    result = icc(np.array(SHROUT_FLEISS).T)
    assert result["icc_2_1"] == pytest.approx(184 / 635, abs=1e-12)
    assert result["icc_3_1"] == pytest.approx(920 / 1287, abs=1e-12)
    assert result["n"] == 6
    assert math.isnan(icc([[1.0, NAN], [NAN, 2.0]])["icc_2_1"])


def test_ccc_lin() -> None:
    # x = 1..4, y = x + 1: means 2.5, 3.5; var_x = var_y = cov = 1.25 (1/n moments);
    # rho_c = 2·1.25 / (1.25 + 1.25 + 1²) = 2.5/3.5 = 5/7.
    assert ccc([1, 2, 3, 4], [2, 3, 4, 5]) == pytest.approx(5 / 7, abs=1e-12)
    assert ccc([1, 2, 3], [1, 2, 3]) == 1.0
    assert ccc([1, 2, NAN], [1, 2, 7]) == 1.0
    assert math.isnan(ccc([0.5, 0.5], [0.5, 0.5]))


def _coder(name: str, aus: dict[str, list[tuple[int, int, int]]]) -> Layer:
    segments = [
        Segment(t0, t1, {au: level}) for au, spans in aus.items() for t0, t1, level in spans
    ]
    return Layer(f"L-{name}", "V", name, segments=segments)


def test_au_agreement_report_small_fixture_by_hand() -> None:
    # 10 frames at 10 fps. AU12 occurrence: a = frames 0-4, b = 0-4, c = 0-2 + unscorable 3-4.
    # (a,b): identical → κ = 1. (a,c) and (b,c): frames 3,4 missing for c; remaining 8 frames
    # agree (3 present, 5 absent) → κ = 1. AU6: a present 0-4, b never, c never:
    # (a,b): p_o = 5/10, p_e = 0.5·0 + 0.5·1 = 0.5 → κ = 0; (b,c) one category only → None.
    a = _coder("a", {"AU12": [(0, 500, 3)], "AU6": [(0, 500, 2)]})
    b = _coder("b", {"AU12": [(0, 500, 2)]})
    c = _coder("c", {"AU12": [(0, 300, 3), (300, 500, -1)]})
    report = au_agreement([a, b, c], fps=10, n_frames=10, aus=["AU12", "AU6"])
    assert report["pairs"] == [["a", "b"], ["a", "c"], ["b", "c"]]
    occurrence = report["occurrence"]
    assert occurrence["kappa"] == [[1.0, 0.0], [1.0, 0.0], [1.0, None]]
    assert occurrence["agreement"] == [[1.0, 0.5], [1.0, 0.5], [1.0, 1.0]]
    assert occurrence["frames"] == [[10, 10], [8, 10], [8, 10]]
    # Fleiss AU12 over the 8 frames all coded: all agree → 1.0.
    assert occurrence["fleiss_kappa"][0] == 1.0
    # Ordinal alpha AU12 intensities: frames 0-2 (3,2,3), 3-4 (3,2), 5-9 (0,0,0): n_c: 0→15, 2→5,
    # 3→8 (n=28). Disagreements are only 2↔3 pairs: frames 0-2 (m=3) give 2 ordered (2,3)
    # pairs x 1/(m-1) = 1 each, frames 3-4 (m=2) 1 each → o_23 = o_32 = 3 + 2 = 5.
    # δ²(2,3) = (5 + 8 - 6.5)² = 42.25, δ²(0,2) = (15+5-10)² = 100, δ²(0,3) = (28 - 11.5)² = 272.25
    # D_o = 2·5·42.25 = 422.5; D_e = 2·(15·5·100 + 15·8·272.25 + 5·8·42.25) = 83720;
    # alpha = 1 - 27·422.5/83720 = 0.863742.
    assert report["intensity"]["alpha_ordinal"][0] == pytest.approx(
        1 - 27 * 422.5 / 83720, abs=1e-6
    )
    json.dumps(report)


def test_dimension_agreement_report() -> None:
    coders = [
        Layer("L1", "V", "a", traces={"valence": Trace("valence", 10, [0.0, 0.5, -0.5, 1.0])}),
        Layer("L2", "V", "b", traces={"valence": Trace("valence", 10, [0.0, 0.5, -0.5, 1.0])}),
    ]
    report = dimension_agreement(coders, 10, 4)
    assert report["valence"]["icc_2_1"] == 1.0
    assert report["valence"]["ccc"] == [1.0]
    assert report["arousal"] == {
        "icc_2_1": None,
        "icc_3_1": None,
        "frames_all_coders": 0,
        "alpha_interval": None,
        "ccc": [None],
    }


def test_one_hour_three_coders_twelve_aus_is_fast() -> None:
    rng = np.random.default_rng(7)
    fps, n_frames = 30.0, 108_000
    aus = ["AU1", "AU2", "AU4", "AU5", "AU6", "AU7", "AU9", "AU10", "AU12", "AU14", "AU15", "AU17"]
    base = rng.integers(0, 6, size=(len(aus), n_frames)).astype(np.float64)
    layers = []
    for name in ("a", "b", "c"):
        noisy = base.copy()
        flip = rng.random(base.shape) < 0.2
        noisy[flip] = rng.integers(0, 6, size=int(flip.sum()))
        traces = {au: Trace(au, fps, noisy[i]) for i, au in enumerate(aus)}
        traces["valence"] = Trace("valence", fps, rng.uniform(-1, 1, n_frames))
        traces["arousal"] = Trace("arousal", fps, rng.uniform(-1, 1, n_frames))
        layers.append(Layer(f"L{name}", "V", name, traces=traces))
    start = time.perf_counter()
    report = agreement_report(layers, fps, n_frames, aus=aus)
    elapsed = time.perf_counter() - start
    assert len(report["au"]["occurrence"]["kappa"]) == 3
    assert all(0.5 < k < 1 for row in report["au"]["occurrence"]["kappa"] for k in row)
    assert elapsed < 2.0, f"agreement took {elapsed:.2f} s"
