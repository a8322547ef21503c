"""Annotation documents and trace buckets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotations.affect.model import (
    Event,
    Layer,
    Segment,
    Trace,
    TraceBucket,
    bucketize,
    frame_range,
    frame_to_ms,
    unbucketize,
)
from annotations.affect.schema import ValidationError


def make_layer() -> Layer:
    return Layer(
        layer_id="L1",
        video_id="V1",
        annotator="coder1",
        segments=[
            Segment(0, 1000, {"AU12": 3, "AU6": -1}, "happiness", {"valence": 0.5}, "smile"),
            Segment(1000, 2000, {"AU4": 1}),
        ],
        events=[Event("AU12", 100, 400, 900, 4)],
        traces={"valence": Trace("valence", 30.0, [0.1, None, -0.25, 1.0])},
    )


def test_layer_document_and_buckets_round_trip() -> None:
    layer = make_layer()
    layer.validate(duration_ms=2000)
    doc = layer.to_doc()
    assert doc["segments"][0] == {
        "t0_ms": 0,
        "t1_ms": 1000,
        "aus": {"AU12": 3, "AU6": -1},
        "emotion": "happiness",
        "dimensions": {"valence": 0.5},
        "note": "smile",
    }
    assert "traces" not in doc and doc["trace_tracks"] == ["valence"]
    buckets = [b.to_doc() for b in layer.trace_buckets()]
    assert Layer.from_doc(doc, buckets) == layer


def test_trace_document_round_trip_keeps_unset_frames() -> None:
    trace = Trace("AU12", 25.0, [0, 1, None, 5, -1])
    assert trace.to_doc()["values"] == [0.0, 1.0, None, 5.0, -1.0]
    assert Trace.from_doc(trace.to_doc()) == trace


def test_bucketize_one_hour_at_30fps_into_60_documents_skipping_empty_ones() -> None:
    values = np.full(108_000, np.nan)
    values[:1800] = 1.0
    values[-5:] = 2.0
    trace = Trace("AU12", 30.0, values)
    buckets = bucketize(trace, "L1", bucket_seconds=60)
    # 108,000 frames / 1,800 per bucket = 60 buckets; only the first and last hold values.
    assert [(b.index, b.start_frame, len(b.values)) for b in buckets] == [
        (0, 0, 1800),
        (59, 106_200, 1800),
    ]
    docs = [b.to_doc() for b in buckets]
    assert len(docs[0]["values"]) == 1800 * 8
    rebuilt = unbucketize([TraceBucket.from_doc(d) for d in reversed(docs)])
    assert rebuilt == trace


def test_bucketize_non_integer_fps_and_errors() -> None:
    trace = Trace("arousal", 24000 / 1001, np.linspace(-1, 1, 3000))
    buckets = bucketize(trace, "L1", bucket_seconds=60)
    assert [b.start_frame for b in buckets] == [0, 1439, 2878]  # round(23.976 * 60) = 1439
    assert unbucketize(buckets) == trace
    with pytest.raises(ValidationError) as info:
        unbucketize([])
    assert info.value.field == "buckets"
    other = bucketize(Trace("valence", trace.fps, trace.values), "L1")
    with pytest.raises(ValidationError):
        unbucketize([buckets[0], other[1]])


def test_frame_range_and_frame_times_agree() -> None:
    # 30 fps: frames at 0, 33.3, 66.7, 100 ms; [0, 100) covers frames 0, 1, 2.
    assert frame_range(0, 100, 30) == (0, 3)
    assert frame_range(34, 100, 30) == (2, 3)
    for fps in (30.0, 25.0, 24000 / 1001, 59.94):
        for frame in range(0, 5000, 7):
            ms = frame_to_ms(frame, fps)
            assert frame_range(ms, ms + 1, fps)[0] == frame


def test_layer_frames_paints_segments_and_events() -> None:
    layer = make_layer()
    au12 = layer.frames("AU12", 10.0, 25)
    # segment [0,1000) → frames 0..9 = 3; event [100,900) at intensity 4 → frames 1..8.
    assert au12.tolist() == [3, 4, 4, 4, 4, 4, 4, 4, 4, 3] + [0.0] * 15
    emotion = layer.frames("emotion", 10.0, 12)
    assert emotion[:10].tolist() == [4.0] * 10 and np.isnan(emotion[10:]).all()
    valence = layer.frames("valence", 30.0, 6)
    assert valence[0] == 0.1 and math.isnan(valence[1]) and np.isnan(valence[4:]).all()


def test_emotion_no_longer_in_the_schema_counts_as_not_coded() -> None:
    layer = Layer("L", "V", "ana", segments=[Segment(0, 500, emotion="joy")])

    emotion = layer.frames("emotion", 10.0, 8)

    assert np.isnan(emotion).all()


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda layer: layer.segments.append(Segment(0, 10, {"AU99": 1})), "segments[2].aus.AU99"),
        (lambda layer: layer.segments.append(Segment(0, 10, {"AU12": 7})), "segments[2].aus.AU12"),
        (lambda layer: layer.segments.append(Segment(10, 10)), "segments[2]"),
        (lambda layer: layer.segments.append(Segment(0, 2500)), "segments[2]"),
        (
            lambda layer: layer.segments.append(Segment(0, 10, dimensions={"valence": 1.5})),
            "segments[2].dimensions.valence",
        ),
        (lambda layer: layer.events.append(Event("AU12", 100, 50, 200)), "events[1].apex_ms"),
        (lambda layer: layer.traces.update(valence=Trace("valence", 30, [2.0])), "traces.valence"),
    ],
)
def test_layer_validation_names_the_field(mutate: object, field: str) -> None:
    layer = make_layer()
    mutate(layer)  # type: ignore[operator]
    with pytest.raises(ValidationError) as info:
        layer.validate(duration_ms=2000)
    assert info.value.field == field
