"""EmotionML export, checked against the validator and by hand."""

from __future__ import annotations

import pytest
from lxml import etree

from annotations.affect.formats.emotionml import NS, validate_emotionml, write_emotionml
from annotations.affect.model import Layer, Segment
from annotations.affect.schema import AFFECTNET8, BIG6, AffectSchema

E = f"{{{NS}}}"


def layer() -> Layer:
    return Layer(
        "L1",
        "V",
        "coder1",
        segments=[
            Segment(1200, 3400, {"AU12": 3}, "happiness", {"valence": 0.5, "arousal": -1.0}),
            Segment(0, 500, {"AU4": 2}),  # no emotion descriptor: not exported
            Segment(5000, 6000, dimensions={"arousal": 1.0}),
        ],
    )


def test_big6_export_with_media_fragments_is_valid() -> None:
    schema = AffectSchema(emotions=BIG6)
    data = write_emotionml([layer()], media_uri="https://x.org/v.mp4", schema=schema)
    assert validate_emotionml(data) == []
    root = etree.fromstring(data)
    assert root.get("category-set") == "http://www.w3.org/TR/emotion-voc/xml#big6"
    assert root.get("dimension-set") == "http://www.w3.org/TR/emotion-voc/xml#pad-dimensions"
    emotions = root.findall(f"{E}emotion")
    assert len(emotions) == 2
    first = emotions[0]
    assert first.find(f"{E}category").get("name") == "happiness"
    # valence 0.5 → pleasure (0.5 + 1)/2 = 0.75; arousal -1 → 0.
    assert [(d.get("name"), d.get("value")) for d in first.findall(f"{E}dimension")] == [
        ("pleasure", "0.75"),
        ("arousal", "0.0"),
    ]
    assert first.find(f"{E}reference").get("uri") == "https://x.org/v.mp4#t=1.2,3.4"
    assert emotions[1].find(f"{E}reference").get("uri") == "https://x.org/v.mp4#t=5,6"


def test_default_ekman_with_neutral_uses_inline_vocabulary_and_offsets() -> None:
    data = write_emotionml([layer()], media_uri="v.mp4", time="offset")
    assert validate_emotionml(data) == []
    root = etree.fromstring(data)
    assert root.get("category-set") == "#ekman7"
    vocabulary = root.find(f"{E}vocabulary")
    assert vocabulary.get("type") == "category"
    assert [i.get("name") for i in vocabulary] == [
        "neutral",
        "anger",
        "disgust",
        "fear",
        "happiness",
        "sadness",
        "surprise",
    ]
    first = root.find(f"{E}emotion")
    assert (first.get("offset-to-start"), first.get("duration"), first.get("time-ref-uri")) == (
        "1200",
        "2200",
        "v.mp4",
    )


def test_affectnet_export_is_valid() -> None:
    schema = AffectSchema(emotions=AFFECTNET8)
    only = Layer("L", "V", "c", segments=[Segment(0, 10, emotion="contempt")])
    data = write_emotionml([only], media_uri="v.mp4", schema=schema)
    assert validate_emotionml(data) == []
    assert etree.fromstring(data).get("category-set") == "#affectnet8"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "<emotion/>",
            "emotion[0]: needs at least one category, dimension, appraisal or action-tendency",
        ),
        (
            '<emotion><category name="joy"/></emotion>',
            "emotion[0].category: 'joy' is not in http://www.w3.org/TR/emotion-voc/xml#big6",
        ),
        (
            '<emotion><dimension name="arousal" value="1.5"/></emotion>',
            "emotion[0].dimension 'arousal': value 1.5 not in [0, 1]",
        ),
        (
            '<emotion><dimension name="valence" value="0.5"/></emotion>',
            "emotion[0].dimension: 'valence' is not in "
            "http://www.w3.org/TR/emotion-voc/xml#pad-dimensions",
        ),
        (
            '<emotion><dimension name="arousal"/></emotion>',
            "emotion[0].dimension 'arousal': needs a value or a trace",
        ),
        (
            '<emotion><appraisal name="novelty" value="0.1"/></emotion>',
            "emotion[0].appraisal: no appraisal-set declared",
        ),
        (
            '<emotion duration="-5"><category name="fear"/></emotion>',
            "emotion[0]: duration '-5' is not a non-negative integer (ms)",
        ),
        (
            '<emotion><category name="fear"/><reference/></emotion>',
            "emotion[0].reference: missing uri",
        ),
        (
            '<vocabulary type="mood" id="m"><item name="a"/></vocabulary>',
            "vocabulary[0]: type 'mood' is not one of category, dimension, appraisal, "
            "action-tendency",
        ),
    ],
)
def test_validator_finds_each_broken_rule(body: str, problem: str) -> None:
    data = (
        f'<emotionml xmlns="{NS}" version="1.0" '
        'category-set="http://www.w3.org/TR/emotion-voc/xml#big6" '
        f'dimension-set="http://www.w3.org/TR/emotion-voc/xml#pad-dimensions">{body}</emotionml>'
    ).encode()
    assert validate_emotionml(data) == [problem]


def test_validator_rejects_wrong_root_and_version() -> None:
    assert validate_emotionml(b"<emotionml/>") == [
        f"root element is 'emotionml', not {{{NS}}}emotionml"
    ]
    assert validate_emotionml(f'<emotionml xmlns="{NS}"/>'.encode()) == [
        "emotionml: version must be '1.0', got None"
    ]


def test_valence_arousal_traces_are_written_as_trace_samples_and_read_back() -> None:
    import numpy as np

    from annotations.affect.formats.emotionml import read_emotionml
    from annotations.affect.model import Trace

    # Given a layer with a 10-frame valence trace (frames 3-4 uncoded) and an arousal trace
    valence = np.array([-1.0, 0.0, 0.5, np.nan, np.nan, 1.0, 0.25, -0.5, 0.0, 0.0])
    arousal = np.linspace(-1.0, 1.0, 10)
    coded = layer()
    coded.traces = {
        "valence": Trace("valence", 25.0, valence),
        "arousal": Trace("arousal", 25.0, arousal),
    }

    # When it is exported
    data = write_emotionml([coded], media_uri="v.mp4")
    assert validate_emotionml(data) == []
    root = etree.fromstring(data)
    traced = [
        e for e in root.findall(f"{E}emotion") if e.find(f"{E}dimension/{E}trace") is not None
    ]

    # Then each run of coded frames is one emotion with the samples mapped to [0, 1]
    assert [
        (e.find(f"{E}dimension").get("name"), e.find(f"{E}reference").get("uri")) for e in traced
    ] == [
        ("pleasure", "v.mp4#t=0,0.12"),
        ("pleasure", "v.mp4#t=0.2,0.4"),
        ("arousal", "v.mp4#t=0,0.4"),
    ]
    first = traced[0].find(f"{E}dimension/{E}trace")
    assert first.get("freq") == "25Hz"
    assert first.get("samples") == "0.0 0.5 0.75"

    # And reading it back gives the same segments and the same traces, uncoded frames included
    back = read_emotionml(data, fps=25.0, n_frames=10)
    segments, traces = back["coder1"]
    assert [(s.t0_ms, s.t1_ms, s.emotion, s.dimensions) for s in segments] == [
        (1200, 3400, "happiness", {"valence": 0.5, "arousal": -1.0}),
        (5000, 6000, None, {"arousal": 1.0}),
    ]
    assert np.array_equal(traces["valence"].values, valence, equal_nan=True)
    assert np.allclose(traces["arousal"].values, arousal)


def test_reading_refuses_a_trace_without_a_frequency() -> None:
    from annotations.affect.formats.emotionml import read_emotionml
    from annotations.affect.schema import ValidationError

    data = (
        f'<emotionml xmlns="{NS}" version="1.0" '
        'dimension-set="http://www.w3.org/TR/emotion-voc/xml#pad-dimensions">'
        '<emotion offset-to-start="0" duration="400"><dimension name="arousal">'
        '<trace samples="0.5 0.5"/></dimension></emotion></emotionml>'
    ).encode()
    with pytest.raises(ValidationError, match="freq must be a positive number of Hz"):
        read_emotionml(data, fps=25.0, n_frames=10)
