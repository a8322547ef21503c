"""Build a gold layer from several coders' layers.

The result is an ordinary :class:`~annotations.affect.model.Layer` of kind ``gold``: an
adjudicator opens it in the same editor as any coder layer and fixes what the vote got wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotations.affect.model import (
    EMOTION_TRACK,
    Event,
    FloatArray,
    Layer,
    Segment,
    Trace,
    frame_range,
    frame_to_ms,
)
from annotations.affect.schema import DEFAULT_SCHEMA, UNSCORABLE, AffectSchema, ValidationError

_SHIFT = -UNSCORABLE  # codes -1..N become 0..N+1 for counting


def _vote(values: FloatArray, tie_break: int | None) -> FloatArray:
    """Per-frame mode of a ``(coders, frames)`` matrix of small int codes (NaN = not coded)."""
    coders, frames = values.shape
    coded = ~np.isnan(values)
    codes = np.where(coded, values + _SHIFT, 0).astype(np.int64)
    width = int(codes.max()) + 1 if codes.size else 1
    counts = np.zeros((frames, width), dtype=np.int64)
    frame_idx = np.arange(frames)
    for c in range(coders):
        flat = frame_idx[coded[c]] * width + codes[c][coded[c]]
        counts += np.bincount(flat, minlength=frames * width).reshape(frames, width)
    top = counts.max(axis=1)
    winners = counts == top[:, None]
    n_winners = winners.sum(axis=1)
    out = np.where((top > 0) & (n_winners == 1), counts.argmax(axis=1) - _SHIFT, np.nan)
    if tie_break is not None:
        tied = (top > 0) & (n_winners > 1) & coded[tie_break]
        choice = codes[tie_break]
        among = winners[frame_idx, choice]
        use = tied & among
        out[use] = values[tie_break][use]
    return out.astype(np.float64)


def _runs(values: FloatArray) -> list[tuple[int, int, float]]:
    """``(first, stop, value)`` for each run of equal, coded values."""
    if values.size == 0:
        return []
    key = np.where(np.isnan(values), np.inf, values)
    change = np.flatnonzero(key[1:] != key[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [values.size]])
    return [
        (int(a), int(b), float(values[a]))
        for a, b in zip(starts, stops, strict=True)
        if not np.isnan(values[a])
    ]


def majority_vote(
    layers: Sequence[Layer],
    fps: float,
    n_frames: int,
    *,
    layer_id: str,
    annotator: str = "gold",
    aus: Sequence[str] | None = None,
    tie_break: str | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> Layer:
    """Frame-wise majority vote over AU intensity codes and emotion categories.

    A tie goes to the coder named in ``tie_break`` when that coder's value is among the tied
    ones, otherwise the frame stays unset. AUs and emotions come back as segments (one per run
    of equal frames, absent runs left out) so the gold layer is editable like a coder's.
    Valence and arousal have no majority: the gold trace is the mean of the coders who rated
    the frame.
    """
    if not layers:
        raise ValidationError("layers", "no layers to adjudicate")
    video_ids = {layer.video_id for layer in layers}
    if len(video_ids) != 1:
        raise ValidationError("layers", f"layers come from several videos: {sorted(video_ids)}")
    names = [layer.annotator for layer in layers]
    tie_index: int | None = None
    if tie_break is not None:
        if tie_break not in names:
            raise ValidationError("tie_break", f"{tie_break!r} is not one of the coders {names}")
        tie_index = names.index(tie_break)

    segments: list[Segment] = []
    for au in list(aus) if aus is not None else list(schema.au_codes):
        matrix = np.stack([layer.frames(au, fps, n_frames, schema) for layer in layers])
        for first, stop, value in _runs(_vote(matrix, tie_index)):
            if value != 0:
                segments.append(
                    Segment(frame_to_ms(first, fps), frame_to_ms(stop, fps), aus={au: int(value)})
                )
    emotions = np.stack([layer.frames(EMOTION_TRACK, fps, n_frames, schema) for layer in layers])
    for first, stop, value in _runs(_vote(emotions, tie_index)):
        segments.append(
            Segment(
                frame_to_ms(first, fps),
                frame_to_ms(stop, fps),
                emotion=schema.emotions.categories[int(value)],
            )
        )
    segments.sort(key=lambda s: (s.t0_ms, s.t1_ms))

    traces: dict[str, Trace] = {}
    for name in schema.dimensions:
        matrix = np.stack([layer.frames(name, fps, n_frames, schema) for layer in layers])
        rated = (~np.isnan(matrix)).sum(axis=0)
        if rated.any():
            total = np.nansum(matrix, axis=0)
            mean = np.divide(total, rated, out=np.full(n_frames, np.nan), where=rated > 0)
            traces[name] = Trace(name, fps, mean)
    return Layer(
        layer_id=layer_id,
        video_id=video_ids.pop(),
        annotator=annotator,
        kind="gold",
        schema_version=schema.version,
        segments=segments,
        traces=traces,
    )


@dataclass(frozen=True)
class Assignment:
    """Take everything in ``[t0_ms, t1_ms)`` from ``annotator``'s layer."""

    t0_ms: int
    t1_ms: int
    annotator: str


def _clip(segment: Segment, t0: int, t1: int) -> Segment | None:
    start, end = max(segment.t0_ms, t0), min(segment.t1_ms, t1)
    if end <= start:
        return None
    return Segment(
        start, end, dict(segment.aus), segment.emotion, dict(segment.dimensions), segment.note
    )


def by_coder(
    layers: Sequence[Layer],
    assignments: Sequence[Assignment],
    *,
    layer_id: str,
    annotator: str = "gold",
) -> Layer:
    """Gold layer that copies, per time range, the chosen coder's annotations.

    Segments are clipped to the range, events are kept when their onset is in it, traces are
    copied frame by frame. Ranges must not overlap; time outside every range stays empty.
    """
    if not layers:
        raise ValidationError("layers", "no layers to adjudicate")
    by_name = {layer.annotator: layer for layer in layers}
    ordered = sorted(assignments, key=lambda a: a.t0_ms)
    for i, item in enumerate(ordered):
        if item.annotator not in by_name:
            raise ValidationError(f"assignments[{i}].annotator", f"no layer by {item.annotator!r}")
        if item.t1_ms <= item.t0_ms:
            raise ValidationError(f"assignments[{i}]", f"t1 {item.t1_ms} must be after t0")
        if i and item.t0_ms < ordered[i - 1].t1_ms:
            raise ValidationError(f"assignments[{i}]", "overlaps the previous range")

    segments: list[Segment] = []
    events: list[Event] = []
    traces: dict[str, Trace] = {}
    for item in ordered:
        source = by_name[item.annotator]
        for segment in source.segments:
            clipped = _clip(segment, item.t0_ms, item.t1_ms)
            if clipped is not None:
                segments.append(clipped)
        events.extend(
            Event(e.au, e.onset_ms, e.apex_ms, e.offset_ms, e.intensity)
            for e in source.events
            if item.t0_ms <= e.onset_ms < item.t1_ms
        )
        for name, trace in source.traces.items():
            target = traces.get(name)
            if target is None:
                target = traces[name] = Trace(name, trace.fps, np.full(len(trace.values), np.nan))
            if target.fps != trace.fps:
                raise ValidationError(f"traces.{name}", "coders' traces have different fps")
            if len(trace.values) > len(target.values):
                grown = np.full(len(trace.values), np.nan)
                grown[: len(target.values)] = target.values
                target.values = grown
            first, stop = frame_range(item.t0_ms, item.t1_ms, trace.fps)
            stop = min(stop, len(trace.values))
            target.values[first:stop] = trace.values[first:stop]
    segments.sort(key=lambda s: (s.t0_ms, s.t1_ms))
    return Layer(
        layer_id=layer_id,
        video_id=layers[0].video_id,
        annotator=annotator,
        kind="gold",
        schema_version=layers[0].schema_version,
        segments=segments,
        events=events,
        traces=traces,
    )
