"""Typed affect annotations and their storage documents.

Times are integer milliseconds from the start of the media; intervals are half-open ``[t0, t1)``
so adjacent segments share a boundary without overlapping a frame. Frame ``i`` of a video at
``fps`` frames per second is at ``i * 1000 / fps`` ms, and a segment covers the frames whose time
falls in its interval.

Frame-level values (``Trace``) are float arrays with ``NaN`` for "not coded". MongoDB gets them in
time buckets (:func:`bucketize`), one document per track per bucket holding the raw float64 bytes,
because one document per frame would mean 100,000+ documents per coder-hour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    DIMENSIONS,
    UNSCORABLE,
    AffectSchema,
    ValidationError,
)

FloatArray = npt.NDArray[np.float64]
LayerKind = Literal["coder", "gold", "model"]
LAYER_KINDS: Final = ("coder", "gold", "model")
EMOTION_TRACK: Final = "emotion"
BUCKET_DTYPE: Final = "<f8"
_EPS: Final = 1e-9


@dataclass
class Segment:
    """Labels holding over ``[t0_ms, t1_ms)``.

    ``aus`` maps AU code to intensity code (see :mod:`annotations.affect.schema`); an AU missing
    from the dict is absent. ``dimensions`` holds segment-level valence/arousal.
    """

    t0_ms: int
    t1_ms: int
    aus: dict[str, int] = field(default_factory=dict)
    emotion: str | None = None
    dimensions: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def validate(
        self, schema: AffectSchema, duration_ms: int | None = None, where: str = "segment"
    ) -> None:
        schema.validate_interval(self.t0_ms, self.t1_ms, duration_ms, field=where)
        for code, intensity in self.aus.items():
            canonical = schema.validate_au(code, field=f"{where}.aus.{code}")
            if canonical != code:
                raise ValidationError(f"{where}.aus.{code}", f"write the AU as {canonical!r}")
            schema.validate_intensity(intensity, field=f"{where}.aus.{code}")
        if self.emotion is not None:
            schema.validate_category(self.emotion, field=f"{where}.emotion")
        for name, value in self.dimensions.items():
            schema.validate_dimension(name, value, field=f"{where}.dimensions.{name}")
        schema.validate_note(self.note, field=f"{where}.note")

    def to_doc(self) -> dict[str, Any]:
        return {
            "t0_ms": self.t0_ms,
            "t1_ms": self.t1_ms,
            "aus": dict(self.aus),
            "emotion": self.emotion,
            "dimensions": dict(self.dimensions),
            "note": self.note,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Segment:
        return cls(
            t0_ms=int(doc["t0_ms"]),
            t1_ms=int(doc["t1_ms"]),
            aus={str(k): int(v) for k, v in doc.get("aus", {}).items()},
            emotion=doc.get("emotion"),
            dimensions={str(k): float(v) for k, v in doc.get("dimensions", {}).items()},
            note=str(doc.get("note", "")),
        )


@dataclass
class Event:
    """One AU event in FACS event coding: onset, apex (peak) and offset, with peak intensity."""

    au: str
    onset_ms: int
    apex_ms: int
    offset_ms: int
    intensity: int = 1

    def validate(
        self, schema: AffectSchema, duration_ms: int | None = None, where: str = "event"
    ) -> None:
        schema.validate_au(self.au, field=f"{where}.au")
        schema.validate_interval(self.onset_ms, self.offset_ms, duration_ms, field=where)
        if not self.onset_ms <= self.apex_ms <= self.offset_ms:
            raise ValidationError(
                f"{where}.apex_ms",
                f"apex {self.apex_ms} ms is outside onset..offset "
                f"{self.onset_ms}..{self.offset_ms} ms",
            )
        schema.validate_intensity(self.intensity, field=f"{where}.intensity")

    def to_doc(self) -> dict[str, Any]:
        return {
            "au": self.au,
            "onset_ms": self.onset_ms,
            "apex_ms": self.apex_ms,
            "offset_ms": self.offset_ms,
            "intensity": self.intensity,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Event:
        return cls(
            au=str(doc["au"]),
            onset_ms=int(doc["onset_ms"]),
            apex_ms=int(doc["apex_ms"]),
            offset_ms=int(doc["offset_ms"]),
            intensity=int(doc.get("intensity", 1)),
        )


def _as_float_array(values: Iterable[float | None] | FloatArray) -> FloatArray:
    if isinstance(values, np.ndarray):
        return np.asarray(values, dtype=np.float64)
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


@dataclass
class Trace:
    """Frame-level values of one track (``AU12``, ``valence``, ``arousal``) from frame 0."""

    track: str
    fps: float
    values: FloatArray

    def __post_init__(self) -> None:
        self.values = _as_float_array(self.values)
        if not (math.isfinite(self.fps) and self.fps > 0):
            raise ValidationError("fps", f"frame rate must be positive, got {self.fps}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (
            self.track == other.track
            and self.fps == other.fps
            and np.array_equal(self.values, other.values, equal_nan=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def validate(self, schema: AffectSchema, where: str = "trace") -> None:
        coded = self.values[~np.isnan(self.values)]
        if self.track in DIMENSIONS:
            if self.track not in schema.dimensions:
                raise ValidationError(f"{where}.track", f"unknown dimension {self.track!r}")
            bad = coded[(coded < -1.0) | (coded > 1.0)]
            if bad.size:
                raise ValidationError(where, f"{self.track} {bad[0]:g} is outside [-1, 1]")
            return
        schema.validate_au(self.track, field=f"{where}.track")
        bad = coded[(coded < UNSCORABLE) | (coded > 5) | ((coded < 0) & (coded != UNSCORABLE))]
        if bad.size:
            raise ValidationError(where, f"intensity {bad[0]:g} is outside 0..5 (or -1)")

    def to_doc(self) -> dict[str, Any]:
        return {
            "track": self.track,
            "fps": self.fps,
            "values": [None if math.isnan(v) else v for v in self.values.tolist()],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Trace:
        return cls(str(doc["track"]), float(doc["fps"]), _as_float_array(doc["values"]))


@dataclass
class TraceBucket:
    """Frames ``[start_frame, start_frame + len(values))`` of one track, for one Mongo document."""

    layer_id: str
    track: str
    index: int
    fps: float
    start_frame: int
    total_frames: int
    values: FloatArray

    def to_doc(self) -> dict[str, Any]:
        return {
            "layer_id": self.layer_id,
            "track": self.track,
            "bucket": self.index,
            "fps": self.fps,
            "start_frame": self.start_frame,
            "total_frames": self.total_frames,
            "dtype": BUCKET_DTYPE,
            "values": self.values.astype(BUCKET_DTYPE).tobytes(),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TraceBucket:
        if doc.get("dtype", BUCKET_DTYPE) != BUCKET_DTYPE:
            raise ValidationError("dtype", f"unsupported bucket dtype {doc.get('dtype')!r}")
        return cls(
            layer_id=str(doc["layer_id"]),
            track=str(doc["track"]),
            index=int(doc["bucket"]),
            fps=float(doc["fps"]),
            start_frame=int(doc["start_frame"]),
            total_frames=int(doc["total_frames"]),
            values=np.frombuffer(bytes(doc["values"]), dtype=BUCKET_DTYPE).astype(np.float64),
        )


def bucketize(trace: Trace, layer_id: str, bucket_seconds: float = 60.0) -> list[TraceBucket]:
    """Split a trace into buckets of ``round(fps * bucket_seconds)`` frames.

    Buckets with no coded frame are left out: an uncoded stretch of video costs no storage and
    :func:`unbucketize` restores it as ``NaN``.
    """
    if bucket_seconds <= 0:
        raise ValidationError("bucket_seconds", f"must be positive, got {bucket_seconds}")
    size = max(1, round(trace.fps * bucket_seconds))
    total = len(trace.values)
    buckets = []
    for index, start in enumerate(range(0, total, size)):
        chunk = trace.values[start : start + size]
        if np.isnan(chunk).all():
            continue
        buckets.append(
            TraceBucket(layer_id, trace.track, index, trace.fps, start, total, chunk.copy())
        )
    return buckets


def unbucketize(buckets: Sequence[TraceBucket], track: str | None = None) -> Trace:
    """Rebuild one trace from its buckets (any order, gaps allowed)."""
    if not buckets:
        raise ValidationError("buckets", "no buckets to rebuild a trace from")
    tracks = {b.track for b in buckets}
    fps_values = {b.fps for b in buckets}
    totals = {b.total_frames for b in buckets}
    if len(tracks) != 1 or len(fps_values) != 1 or len(totals) != 1:
        raise ValidationError("buckets", "buckets mix tracks, frame rates or lengths")
    name = tracks.pop()
    if track is not None and track != name:
        raise ValidationError("buckets", f"buckets hold track {name!r}, not {track!r}")
    values = np.full(totals.pop(), np.nan)
    for bucket in buckets:
        end = bucket.start_frame + len(bucket.values)
        if end > len(values):
            raise ValidationError("buckets", f"bucket {bucket.index} runs past the trace end")
        values[bucket.start_frame : end] = bucket.values
    return Trace(name, fps_values.pop(), values)


def frame_range(t0_ms: float, t1_ms: float, fps: float) -> tuple[int, int]:
    """Indices ``[first, stop)`` of the frames whose time lies in ``[t0_ms, t1_ms)``."""
    first = math.ceil(t0_ms * fps / 1000.0 - _EPS)
    stop = math.ceil(t1_ms * fps / 1000.0 - _EPS)
    return max(first, 0), max(stop, 0)


def frame_to_ms(frame: int, fps: float) -> int:
    """The time of a frame in whole ms, rounded down so that ``frame_range`` finds it again."""
    return math.floor(frame * 1000.0 / fps + _EPS)


@dataclass
class Layer:
    """One annotator's (or the gold, or a model's) annotations of one video."""

    layer_id: str
    video_id: str
    annotator: str
    kind: LayerKind = "coder"
    schema_version: int = DEFAULT_SCHEMA.version
    segments: list[Segment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    traces: dict[str, Trace] = field(default_factory=dict)

    def validate(
        self, schema: AffectSchema = DEFAULT_SCHEMA, duration_ms: int | None = None
    ) -> None:
        if self.kind not in LAYER_KINDS:
            raise ValidationError("kind", f"{self.kind!r} is not one of {', '.join(LAYER_KINDS)}")
        if self.schema_version != schema.version:
            raise ValidationError(
                "schema_version",
                f"layer uses schema v{self.schema_version}, validating against v{schema.version}",
            )
        if not self.annotator:
            raise ValidationError("annotator", "must not be empty")
        for i, segment in enumerate(self.segments):
            segment.validate(schema, duration_ms, where=f"segments[{i}]")
        for i, event in enumerate(self.events):
            event.validate(schema, duration_ms, where=f"events[{i}]")
        for name, trace in self.traces.items():
            if trace.track != name:
                raise ValidationError(f"traces.{name}", f"holds track {trace.track!r}")
            trace.validate(schema, where=f"traces.{name}")

    def to_doc(self) -> dict[str, Any]:
        """The layer document without traces: store those with :meth:`trace_buckets`."""
        return {
            "layer_id": self.layer_id,
            "video_id": self.video_id,
            "annotator": self.annotator,
            "kind": self.kind,
            "schema_version": self.schema_version,
            "segments": [s.to_doc() for s in self.segments],
            "events": [e.to_doc() for e in self.events],
            "trace_tracks": sorted(self.traces),
        }

    def trace_buckets(self, bucket_seconds: float = 60.0) -> list[TraceBucket]:
        return [
            bucket
            for name in sorted(self.traces)
            for bucket in bucketize(self.traces[name], self.layer_id, bucket_seconds)
        ]

    @classmethod
    def from_doc(cls, doc: dict[str, Any], buckets: Iterable[dict[str, Any]] = ()) -> Layer:
        """Rebuild a layer from its document and the bucket documents of its traces."""
        by_track: dict[str, list[TraceBucket]] = {}
        for bucket_doc in buckets:
            bucket = TraceBucket.from_doc(bucket_doc)
            by_track.setdefault(bucket.track, []).append(bucket)
        kind = str(doc.get("kind", "coder"))
        if kind not in LAYER_KINDS:
            raise ValidationError("kind", f"{kind!r} is not one of {', '.join(LAYER_KINDS)}")
        return cls(
            layer_id=str(doc["layer_id"]),
            video_id=str(doc["video_id"]),
            annotator=str(doc["annotator"]),
            kind=kind,  # type: ignore[arg-type]
            schema_version=int(doc.get("schema_version", DEFAULT_SCHEMA.version)),
            segments=[Segment.from_doc(s) for s in doc.get("segments", [])],
            events=[Event.from_doc(e) for e in doc.get("events", [])],
            traces={name: unbucketize(parts, name) for name, parts in sorted(by_track.items())},
        )

    def frames(
        self,
        track: str,
        fps: float,
        n_frames: int,
        schema: AffectSchema = DEFAULT_SCHEMA,
    ) -> FloatArray:
        """Frame-level values of one track, for agreement and adjudication.

        A trace wins when the layer has one (resampled by nearest earlier frame if its frame rate
        differs). Otherwise segments and events are painted onto the frames: for an AU, frames
        outside every segment/event that names it are absent (``0``), because segment coders mark
        only what they see; for valence, arousal and ``emotion`` (category index in the schema's
        set) uncovered frames are ``NaN``.
        """
        out = np.full(n_frames, np.nan)
        trace = self.traces.get(track)
        if trace is not None:
            if trace.fps == fps:
                m = min(n_frames, len(trace.values))
                out[:m] = trace.values[:m]
            else:
                src = np.floor(np.arange(n_frames) * trace.fps / fps + _EPS).astype(np.int64)
                ok = src < len(trace.values)
                out[ok] = trace.values[src[ok]]
            return out
        is_au = track not in DIMENSIONS and track != EMOTION_TRACK
        if is_au:
            out[:] = 0.0
        for segment in self.segments:
            value: float | None = None
            if is_au:
                if track in segment.aus:
                    value = float(segment.aus[track])
            elif track == EMOTION_TRACK:
                # A category the project's schema has since dropped counts as not coded.
                if segment.emotion is not None and segment.emotion in schema.emotions.categories:
                    value = float(schema.emotions.index(segment.emotion))
            elif track in segment.dimensions:
                value = segment.dimensions[track]
            if value is not None:
                first, stop = frame_range(segment.t0_ms, segment.t1_ms, fps)
                out[first:stop] = value
        if is_au:
            for event in self.events:
                if event.au == track:
                    first, stop = frame_range(event.onset_ms, event.offset_ms, fps)
                    out[first:stop] = float(event.intensity)
        return out
