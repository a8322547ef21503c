"""The actor video run through the pipeline once per session, with its hand codes as labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotations.affect.model import Event, Layer, Segment
from mlworkers.face.pipeline import PipelineOptions, RunReport, SubjectTrack, collect, run_video
from tests.shared_data import shared_file

PEXELS = "faces/WolfgangLanger_Pexels.mp4"
HAND_CODES = Path(__file__).resolve().parents[1] / "data/face/wolfganglanger_handcodes.json"
FPS = 24000 / 1001
N_FRAMES = 472
CODED_AUS = ("AU4", "AU6", "AU12", "AU25", "AU26")


def hand_layer() -> Layer:
    codes = json.loads(HAND_CODES.read_text())
    return Layer(
        "hand",
        "pexels",
        "face-engineer",
        events=[Event(**e) for e in codes["events"]],
        segments=[Segment(**s) for s in codes["segments"]],
    )


@pytest.fixture(scope="session")
def actor_run() -> tuple[dict[int, SubjectTrack], RunReport]:
    report = RunReport()
    tracks = collect(run_video(shared_file(PEXELS), PipelineOptions(), report))
    return tracks, report


@pytest.fixture(scope="session")
def actor_labels() -> dict[str, Any]:
    layer = hand_layer()
    out: dict[str, Any] = {au: layer.frames(au, FPS, N_FRAMES) for au in CODED_AUS}
    for name in ("emotion", "valence", "arousal"):
        out[name] = layer.frames(name, FPS, N_FRAMES)
    return out
