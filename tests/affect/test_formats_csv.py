"""Segment and OpenFace-style frame CSV import/export."""

from __future__ import annotations

import numpy as np
import pytest

from annotations.affect.formats.csv import (
    read_frames_csv,
    read_segments_csv,
    write_frames_csv,
    write_segments_csv,
)
from annotations.affect.model import Layer, Segment, Trace
from annotations.affect.schema import ValidationError


def segment_layers() -> list[Layer]:
    return [
        Layer(
            "L1",
            "V",
            "coder1",
            segments=[
                Segment(
                    0,
                    1200,
                    {"AU12": 3, "AU6": 0},
                    "happiness",
                    {"valence": 0.75},
                    'said "hi", then smiled',
                ),
                Segment(1200, 1500, {"AU43": -1}),
            ],
        ),
        Layer("L2", "V", "coder2", segments=[Segment(5, 10, dimensions={"arousal": -0.125})]),
    ]


def test_segments_round_trip_and_header() -> None:
    text = "".join(write_segments_csv(segment_layers()))
    lines = text.splitlines()
    assert lines[0] == (
        "annotator,layer_id,t0_ms,t1_ms,emotion,valence,arousal,AU1,AU2,AU4,AU5,AU6,AU7,AU9,"
        "AU10,AU12,AU14,AU15,AU17,AU20,AU23,AU24,AU25,AU26,AU28,AU43,note"
    )
    assert (
        lines[1]
        == 'coder1,L1,0,1200,happiness,0.75,,,,,,0,,,,3,,,,,,,,,,,"said ""hi"", then smiled"'
    )
    assert read_segments_csv(text.encode(), video_id="V") == segment_layers()


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "annotator,t0_ms,t1_ms,AU99\nc,0,10,1\n",
            "column AU99",
            "unknown Action Unit 'AU99' (schema v1)",
        ),
        (
            "annotator,t0_ms,t1_ms,AU12\nc,0,10,7\n",
            "row 2.aus.AU12",
            "intensity 7 is outside -1..5",
        ),
        (
            "annotator,t0_ms,t1_ms,valence\nc,0,10,1.5\n",
            "row 2.dimensions.valence",
            "valence 1.5 is outside [-1, 1]",
        ),
        ("annotator,t0_ms,t1_ms\nc,10,10\n", "row 2", "t1 10 ms must be after t0 10 ms"),
        ("annotator,t0_ms,t1_ms\nc,x,10\n", "row 2.t0_ms", "'x' is not an integer"),
        ("annotator,t0_ms\nc,0\n", "header", "missing column 't1_ms'"),
        ("annotator,t0_ms,t1_ms,mood\n", "header", "unknown column 'mood'"),
    ],
)
def test_segment_csv_errors(text: str, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        read_segments_csv(text, video_id="V")
    assert (info.value.field, info.value.message) == (field, message)


def test_segment_csv_beyond_duration() -> None:
    with pytest.raises(ValidationError) as info:
        read_segments_csv("annotator,t0_ms,t1_ms\nc,0,900\n", video_id="V", duration_ms=800)
    assert info.value.message == "t1 900 ms is beyond the media duration 800 ms"


def frame_layer() -> Layer:
    return Layer(
        "LF",
        "V",
        "coder1",
        traces={
            "AU1": Trace("AU1", 30.0, [0, 1, 2.5, None, -1, 5]),
            "AU12": Trace("AU12", 30.0, [3, 3, 0, 0, None, None]),
            "valence": Trace("valence", 30.0, [0.1, None, -1, 1, 0.333, 0]),
        },
    )


def test_frames_round_trip_and_openface_columns() -> None:
    chunks = list(write_frames_csv(frame_layer(), 30.0, 6))
    text = "".join(chunks)
    assert text.splitlines() == [
        "frame,timestamp,AU01_r,AU01_c,AU12_r,AU12_c,valence,arousal",
        "1,0.000,0,0,3,1,0.1,",
        "2,0.033,1,1,3,1,,",
        "3,0.067,2.5,1,0,0,-1,",
        "4,0.100,,,0,0,1,",
        "5,0.133,-1,-1,,,0.333,",
        "6,0.167,5,1,,,0,",
    ]
    back = read_frames_csv(text, fps=30.0, layer_id="LF", video_id="V", annotator="coder1")
    assert back == frame_layer()


def test_frames_stream_in_chunks_for_an_hour() -> None:
    n = 108_000
    layer = Layer("L", "V", "c", traces={"AU12": Trace("AU12", 30.0, np.tile([0.0, 1, 2], n // 3))})
    chunks = write_frames_csv(layer, 30.0, n)
    header = next(chunks)
    assert header == "frame,timestamp,AU12_r,AU12_c,valence,arousal\n"
    first = next(chunks)
    assert first.count("\n") == 2000
    rest = list(chunks)
    assert len(rest) == 53  # 108,000 rows / 2,000 per chunk = 54 chunks
    back = read_frames_csv(
        header + first + "".join(rest), fps=30.0, layer_id="L", video_id="V", annotator="c"
    )
    assert back == layer


def test_openface_output_imports_as_model_layer() -> None:
    # OpenFace 2 FeatureExtraction writes ", " separators, 1-based frames, success flags,
    # AU28 and AU45 as occurrence only; AU45 is not in the default schema.
    text = (
        "frame, face_id, timestamp, confidence, success, AU01_r, AU12_r, AU01_c, AU12_c, "
        "AU28_c, AU45_c\n"
        "1, 0, 0.000, 0.98, 1, 0.35, 2.10, 0, 1, 1, 0\n"
        "2, 0, 0.040, 0.10, 0, 0.00, 0.00, 0, 0, 0, 0\n"
        "3, 0, 0.080, 0.97, 1, 1.20, 0.00, 1, 0, 0, 1\n"
    )
    layer = read_frames_csv(
        text,
        fps=25.0,
        layer_id="M",
        video_id="V",
        annotator="openface",
        kind="model",
        ignore_unknown_aus=True,
    )
    assert layer.kind == "model"
    assert sorted(layer.traces) == ["AU1", "AU12", "AU28"]
    assert layer.traces["AU1"].values.tolist() == [0.35, -1.0, 1.2]
    assert layer.traces["AU12"].values.tolist() == [2.1, -1.0, 0.0]
    assert layer.traces["AU28"].values.tolist() == [1.0, -1.0, 0.0]
    with pytest.raises(ValidationError) as info:
        read_frames_csv(text, fps=25.0, layer_id="M", video_id="V", annotator="openface")
    assert (info.value.field, info.value.message) == ("column AU45_c", "unknown Action Unit 'AU45'")


def test_frame_csv_bad_values() -> None:
    with pytest.raises(ValidationError) as info:
        read_frames_csv("frame,AU12_r\n1,7\n", fps=30, layer_id="L", video_id="V", annotator="c")
    assert (info.value.field, info.value.message) == (
        "column AU12_r",
        "intensity 7 is outside 0..5 (or -1)",
    )
    with pytest.raises(ValidationError) as info:
        read_frames_csv(
            "frame,valence\n1,high\n", fps=30, layer_id="L", video_id="V", annotator="c"
        )
    assert (info.value.field, info.value.message) == ("row 2.valence", "'high' is not a number")
    with pytest.raises(ValidationError) as info:
        read_frames_csv("AU12_r\n1\n", fps=30, layer_id="L", video_id="V", annotator="c")
    assert info.value.field == "header"
