"""Gold layers from coders' layers."""

from __future__ import annotations

import numpy as np
import pytest

from annotations.affect.adjudication import Assignment, by_coder, majority_vote
from annotations.affect.model import Event, Layer, Segment, Trace
from annotations.affect.schema import ValidationError

FPS = 10.0  # frame i at i·100 ms


def coder(name: str, segments: list[Segment], **traces: list[float | None]) -> Layer:
    return Layer(
        f"L-{name}",
        "V",
        name,
        segments=segments,
        traces={k: Trace(k, FPS, v) for k, v in traces.items()},
    )


def test_majority_vote_per_frame_with_ties_unset() -> None:
    # Frames 0-9. AU12: a = C over 0-5, b = C over 0-3 then B 4-5, c = B over 2-7.
    # Frame 0-1: C,C,absent → C. 2-3: C,C,B → C. 4-5: C,B,B → B. 6-7: 0,0,B → absent. 8-9: absent.
    a = coder(
        "a",
        [Segment(0, 600, {"AU12": 3}), Segment(0, 1000, emotion="happiness")],
        valence=[0.5, 0.5, None, 0.0],
    )
    b = coder(
        "b",
        [
            Segment(0, 400, {"AU12": 3}),
            Segment(400, 600, {"AU12": 2}),
            Segment(0, 500, emotion="happiness"),
            Segment(500, 1000, emotion="surprise"),
        ],
        valence=[0.0, -0.5, None, None],
    )
    c = coder("c", [Segment(200, 800, {"AU12": 2}), Segment(0, 1000, emotion="surprise")])
    gold = majority_vote([a, b, c], FPS, 10, layer_id="G", aus=["AU12"])
    assert (gold.kind, gold.annotator, gold.video_id) == ("gold", "gold", "V")
    assert [s.to_doc() for s in gold.segments] == [
        Segment(0, 400, {"AU12": 3}).to_doc(),
        Segment(0, 500, emotion="happiness").to_doc(),
        Segment(400, 600, {"AU12": 2}).to_doc(),
        Segment(500, 1000, emotion="surprise").to_doc(),
    ]
    # Valence: mean of the coders who rated each frame; frame 2 nobody, frame 3 only a.
    assert gold.traces["valence"] == Trace(
        "valence", FPS, [0.25, 0.0, None, 0.0, None, None, None, None, None, None]
    )
    gold.validate(duration_ms=1000)


def test_majority_vote_tie_break_by_chosen_coder() -> None:
    a = coder("a", [Segment(0, 1000, {"AU4": 1})])
    b = coder("b", [Segment(0, 1000, {"AU4": 4})])
    unset = majority_vote([a, b], FPS, 10, layer_id="G", aus=["AU4"])
    assert [s for s in unset.segments if s.aus] == []
    chosen = majority_vote([a, b], FPS, 10, layer_id="G", aus=["AU4"], tie_break="b")
    assert [s.to_doc() for s in chosen.segments] == [Segment(0, 1000, {"AU4": 4}).to_doc()]
    with pytest.raises(ValidationError) as info:
        majority_vote([a, b], FPS, 10, layer_id="G", tie_break="zed")
    assert info.value.field == "tie_break"


def test_unscorable_majority_is_kept() -> None:
    layers = [coder(n, [Segment(0, 300, {"AU43": -1})]) for n in "ab"]
    layers.append(coder("c", [Segment(0, 300, {"AU43": 5})]))
    gold = majority_vote(layers, FPS, 5, layer_id="G", aus=["AU43"])
    assert [s.to_doc() for s in gold.segments] == [Segment(0, 300, {"AU43": -1}).to_doc()]


def test_by_coder_takes_ranges_from_chosen_coders() -> None:
    a = coder("a", [Segment(0, 1000, {"AU12": 3}, note="a")], arousal=[0.1] * 10)
    a.events.append(Event("AU6", 100, 200, 300, 2))
    b = coder("b", [Segment(200, 800, {"AU12": 5}, note="b")], arousal=[-0.1] * 10)
    b.events.append(Event("AU6", 600, 650, 700, 3))
    gold = by_coder([a, b], [Assignment(500, 1000, "b"), Assignment(0, 500, "a")], layer_id="G")
    assert [s.to_doc() for s in gold.segments] == [
        Segment(0, 500, {"AU12": 3}, note="a").to_doc(),
        Segment(500, 800, {"AU12": 5}, note="b").to_doc(),
    ]
    assert gold.events == [Event("AU6", 100, 200, 300, 2), Event("AU6", 600, 650, 700, 3)]
    assert np.array_equal(gold.traces["arousal"].values, [0.1] * 5 + [-0.1] * 5)
    with pytest.raises(ValidationError) as info:
        by_coder([a, b], [Assignment(0, 600, "a"), Assignment(500, 900, "b")], layer_id="G")
    assert info.value.field == "assignments[1]"
