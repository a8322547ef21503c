"""Per-frame predictions of one subject → the content of a machine layer (Django-free).

Frames without a face (or outside a strided run) are ``NaN`` in every trace: the machine says
nothing about them, and agreement counts them as not coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from annotations.affect.model import Event, Segment, Trace
from mlworkers.face.models import Predictor
from mlworkers.face.suggest import au_events, emotion_segments, smooth

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass
class FrameTraces:
    """Predictions written at their frames of the whole video (``NaN`` elsewhere)."""

    n_frames: int
    au_probability: dict[str, F64] = field(default_factory=dict)
    au_intensity: dict[str, F64] = field(default_factory=dict)
    emotion_probability: F64 | None = None
    valence: F64 | None = None
    arousal: F64 | None = None
    frames_coded: int = 0

    def add(
        self,
        models: Predictor,
        frames: npt.NDArray[np.int64],
        features: F32,
        crops: npt.NDArray[np.uint8] | None = None,
    ) -> None:
        pred = models.predict_faces(features, crops)
        n = self.n_frames
        keep = frames < n
        frames = frames[keep]

        def put(store: dict[str, F64], name: str, values: F64) -> None:
            store.setdefault(name, np.full(n, np.nan))[frames] = values[keep]

        for au in models.aus:
            put(self.au_probability, au, pred.au_probability[au])
            put(self.au_intensity, au, pred.au_intensity[au])
        if pred.emotion_probability is not None:
            if self.emotion_probability is None:
                self.emotion_probability = np.full((n, len(models.categories)), np.nan)
            self.emotion_probability[frames] = pred.emotion_probability[keep]
        for name in ("valence", "arousal"):
            values = getattr(pred, name)
            if values is not None:
                if getattr(self, name) is None:
                    setattr(self, name, np.full(n, np.nan))
                getattr(self, name)[frames] = values[keep]
        self.frames_coded += int(keep.sum())


@dataclass
class MachineCoding:
    traces: dict[str, Trace]
    probabilities: dict[str, Trace]
    events: list[Event]
    event_probability: list[float]
    segments: list[Segment]
    segment_probability: list[float]


def machine_coding(
    traces: FrameTraces,
    categories: list[str],
    fps: float,
    duration_ms: int,
    window: int = 5,
) -> MachineCoding:
    """Smoothed traces (AU intensity where the AU is judged present, else 0), AU events and
    emotion segments with their mean probabilities."""
    out_traces: dict[str, Trace] = {}
    probabilities: dict[str, Trace] = {}
    events: list[Event] = []
    event_p: list[float] = []
    for au in sorted(traces.au_probability):
        p = smooth(traces.au_probability[au], window)
        level = smooth(traces.au_intensity[au], window)
        present = p >= 0.5
        values = np.where(present, np.clip(np.rint(np.nan_to_num(level)), 1, 5), 0.0)
        values[np.isnan(p)] = np.nan
        out_traces[au] = Trace(au, fps, values)
        probabilities[au] = Trace(au, fps, np.round(p, 4))
        for suggestion in au_events(
            au, traces.au_probability[au], traces.au_intensity[au], fps, duration_ms, window
        ):
            events.append(suggestion.event)
            event_p.append(round(suggestion.probability, 4))
    for name in ("valence", "arousal"):
        values = getattr(traces, name)
        if values is not None:
            out_traces[name] = Trace(name, fps, np.round(smooth(values, window), 4))
    segments: list[Segment] = []
    segment_p: list[float] = []
    if traces.emotion_probability is not None:
        for segment, probability in emotion_segments(
            traces.emotion_probability,
            categories,
            fps,
            duration_ms,
            traces.valence,
            traces.arousal,
        ):
            segments.append(segment)
            segment_p.append(round(probability, 4))
    order = sorted(range(len(events)), key=lambda i: (events[i].onset_ms, events[i].au))
    return MachineCoding(
        out_traces,
        probabilities,
        [events[i] for i in order],
        [event_p[i] for i in order],
        segments,
        segment_p,
    )
