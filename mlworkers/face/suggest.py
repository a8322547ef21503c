"""From per-frame predictions to what a coder reviews: smoothed traces and AU events.

Frame-level probabilities flicker; a coder wants "AU12 from 9.5 s to 19.7 s, apex at 13 s".
Probabilities are smoothed with a centred moving median (robust to single-frame glitches),
thresholded with hysteresis (on above ``on``, off below ``off``), runs shorter than
``min_ms`` dropped and gaps shorter than ``gap_ms`` closed; the apex is the frame of the highest
smoothed intensity inside the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotations.affect.model import Event, Segment, frame_to_ms

F64 = npt.NDArray[np.float64]


def smooth(values: F64, window: int = 5) -> F64:
    """Centred moving median over ``window`` frames; ``NaN`` (no face) stays ``NaN`` and is not
    counted in its neighbours' medians."""
    if window <= 1 or len(values) == 0:
        return values.copy()
    half = window // 2
    padded = np.pad(values, half, mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window)
    out = np.full(len(values), np.nan)
    has = ~np.isnan(values)
    if has.any():
        with np.errstate(all="ignore"):
            out[has] = np.nanmedian(windows[has], axis=1)
    return out


def runs(
    probability: F64,
    fps: float,
    on: float = 0.6,
    off: float = 0.4,
    min_ms: float = 250.0,
    gap_ms: float = 200.0,
) -> list[tuple[int, int]]:
    """Frame ranges ``[first, stop)`` where the AU is judged present."""
    state = False
    found: list[list[int]] = []
    for i, p in enumerate(probability):
        if np.isnan(p):
            if state:
                found[-1][1] = i
            state = False
            continue
        if not state and p >= on:
            state = True
            found.append([i, i + 1])
        elif state and p < off:
            state = False
        if state:
            found[-1][1] = i + 1
    merged: list[list[int]] = []
    for first, stop in found:
        if merged and (first - merged[-1][1]) * 1000.0 / fps < gap_ms:
            merged[-1][1] = stop
        else:
            merged.append([first, stop])
    return [(a, b) for a, b in merged if (b - a) * 1000.0 / fps >= min_ms]


@dataclass(frozen=True)
class Suggestion:
    """One suggested AU event with the model's confidence (mean smoothed probability)."""

    event: Event
    probability: float


def au_events(
    au: str, probability: F64, intensity: F64, fps: float, duration_ms: int, window: int = 5
) -> list[Suggestion]:
    p = smooth(probability, window)
    level = smooth(intensity, window)
    out = []
    for first, stop in runs(p, fps):
        part = np.nan_to_num(level[first:stop], nan=0.0)
        apex = first + int(part.argmax())
        peak = int(np.clip(np.rint(part.max()), 1, 5))
        onset = frame_to_ms(first, fps)
        offset = min(frame_to_ms(stop, fps), duration_ms)
        apex_ms = min(max(frame_to_ms(apex, fps), onset), offset)
        event = Event(au, onset, apex_ms, offset, peak)
        out.append(Suggestion(event, float(np.nanmean(p[first:stop]))))
    return out


def emotion_segments(
    probability: F64,
    categories: Sequence[str],
    fps: float,
    duration_ms: int,
    valence: F64 | None = None,
    arousal: F64 | None = None,
    window: int = 9,
    min_ms: float = 400.0,
) -> list[tuple[Segment, float]]:
    """Runs of the most probable category (after smoothing each category's probability), each
    with the run's mean valence/arousal and the mean probability of its category."""
    if probability.size == 0:
        return []
    smoothed = np.stack([smooth(probability[:, k], window) for k in range(probability.shape[1])], 1)
    coded = ~np.isnan(smoothed).any(axis=1)
    best = np.where(coded, np.nan_to_num(smoothed, nan=-1.0).argmax(axis=1), -1)
    out: list[tuple[Segment, float]] = []
    start = 0
    for i in range(1, len(best) + 1):
        if i < len(best) and best[i] == best[start]:
            continue
        k = int(best[start])
        if k >= 0 and (i - start) * 1000.0 / fps >= min_ms:
            dims = {}
            for name, values in (("valence", valence), ("arousal", arousal)):
                if values is not None and not np.isnan(values[start:i]).all():
                    dims[name] = round(float(np.clip(np.nanmean(values[start:i]), -1, 1)), 3)
            segment = Segment(
                frame_to_ms(start, fps),
                min(frame_to_ms(i, fps), duration_ms),
                emotion=categories[k],
                dimensions=dims,
            )
            out.append((segment, float(np.nanmean(smoothed[start:i, k]))))
        start = i
    return out
