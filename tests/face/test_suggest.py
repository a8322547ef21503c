"""Smoothing, hysteresis and onset/apex/offset events from frame-level predictions."""

from __future__ import annotations

import numpy as np

from annotations.affect.model import Event
from mlworkers.face.coding import FrameTraces, machine_coding
from mlworkers.face.suggest import au_events, emotion_segments, runs, smooth

FPS = 10.0


def test_smooth_removes_single_frame_glitches_and_keeps_gaps() -> None:
    values = np.array([0, 0, 1, 0, 0, np.nan, 1, 1, 1, 1])

    out = smooth(values, 3)

    assert out[:5].tolist() == [0, 0, 0, 0, 0]
    assert np.isnan(out[5])
    assert out[6:].tolist() == [1, 1, 1, 1]


def test_runs_use_hysteresis_merge_short_gaps_and_drop_blips() -> None:
    p = np.array([0.1, 0.7, 0.5, 0.5, 0.3, 0.7, 0.8, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1])

    # 0.5 stays "on" after 0.7 (off only below 0.4); the 1-frame gap at 4 is merged (< 200 ms);
    # the single frame at 10 is shorter than 250 ms and dropped.
    assert runs(p, FPS) == [(1, 7)]


def test_au_event_has_onset_apex_offset_and_peak_intensity() -> None:
    p = np.r_[np.zeros(10), np.ones(20), np.zeros(10)]
    level = np.r_[np.zeros(10), np.linspace(1, 4, 10), np.linspace(4, 1, 10), np.zeros(10)]

    (suggestion,) = au_events("AU12", p, level, FPS, 4000, window=1)

    assert suggestion.event == Event("AU12", 1000, 1900, 3000, 4)
    assert suggestion.probability == 1.0


def test_emotion_segments_follow_the_most_probable_category() -> None:
    probability = np.zeros((30, 3))
    probability[:15, 1] = 0.9
    probability[15:, 2] = 0.8
    valence = np.r_[np.full(15, -0.5), np.full(15, 0.5)]

    found = emotion_segments(probability, ["neutral", "sadness", "happiness"], FPS, 3000, valence)

    assert [(s.t0_ms, s.t1_ms, s.emotion, s.dimensions) for s, _ in found] == [
        (0, 1500, "sadness", {"valence": -0.5}),
        (1500, 3000, "happiness", {"valence": 0.5}),
    ]
    assert [round(p, 2) for _, p in found] == [0.9, 0.8]


def test_machine_coding_leaves_frames_without_a_face_uncoded() -> None:
    traces = FrameTraces(20)
    traces.au_probability["AU6"] = np.r_[np.full(10, 0.9), np.full(10, np.nan)]
    traces.au_intensity["AU6"] = np.r_[np.full(10, 2.2), np.full(10, np.nan)]

    coding = machine_coding(traces, ["neutral"], FPS, 2000)

    assert coding.traces["AU6"].values[:10].tolist() == [2.0] * 10
    assert np.isnan(coding.traces["AU6"].values[10:]).all()
    assert [e.to_doc() for e in coding.events] == [
        {"au": "AU6", "onset_ms": 0, "apex_ms": 0, "offset_ms": 1000, "intensity": 2}
    ]
