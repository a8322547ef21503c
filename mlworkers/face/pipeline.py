"""The stages together: frames → subjects → aligned crops → features, in batches.

:func:`run_video` yields one :class:`FaceBatch` per subject every ``batch`` observed frames, so
a long video never holds more than a batch of crops and features; :func:`collect` keeps them all
for a short video (training, tests).
"""

from __future__ import annotations

import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mlworkers.face import align as align_mod
from mlworkers.face.decode import DecodeReport, Frame, frames
from mlworkers.face.features import F32, FEATURE_DIMS, SubjectNormaliser, geometry, hog
from mlworkers.face.tracking import FaceTracker, Observation, TrackerStats


@dataclass
class Timings:
    """Seconds spent in each stage (for the bench and the job report): wall seconds, and CPU
    seconds of the whole process meanwhile (MediaPipe computes in its own threads, so the
    calling thread's CPU time would miss it). CPU time does not grow with the machine's load,
    so it is the figure to compare between runs; with the decode thread running alongside, a
    stage's CPU seconds include the decoding done meanwhile."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start
            self.cpu[name] += time.process_time() - cpu


@dataclass
class FaceBatch:
    """Consecutive observations of one subject."""

    subject: int
    frames: npt.NDArray[np.int64]
    boxes: F32  # (n, 4) x, y, w, h in pixels
    landmarks: F32  # (n, 468, 3) in pixels
    pose: F32  # (n, 3) yaw, pitch, roll in degrees
    crops: npt.NDArray[np.uint8]  # (n, 112, 112) aligned grey faces
    features: F32  # (n, FEATURE_DIMS)


@dataclass
class RunReport:
    decode: DecodeReport = field(default_factory=DecodeReport)
    tracker: TrackerStats = field(default_factory=TrackerStats)
    frames_seen: int = 0
    frames_with_face: int = 0
    timings: Timings = field(default_factory=Timings)

    def problems(self) -> list[str]:
        """What a user should hear about: corrupt frames, no face, faces lost mid-video."""
        out = [f"corrupt frame skipped: {c}" for c in self.decode.corrupt]
        if self.frames_seen and not self.frames_with_face:
            out.append("no face was found on any frame")
        for subject, frame in self.tracker.lost:
            out.append(f"subject {subject} lost at frame {frame}")
        return out


@dataclass(frozen=True)
class PipelineOptions:
    stride: int = 1
    start_ms: float = 0.0
    end_ms: float | None = None
    width: int | None = None
    detect_every: int = 12
    max_faces: int = 8
    batch: int = 32


class _Buffer:
    def __init__(self) -> None:
        self.obs: list[Observation] = []
        self.images: list[npt.NDArray[np.uint8]] = []


def _featurise(
    subject: int, buffer: _Buffer, normaliser: SubjectNormaliser, timings: Timings
) -> FaceBatch:
    with timings.stage("align"):
        points = np.stack([o.landmarks for o in buffer.obs])
        crops, aligned, pose = align_mod.align_batch(buffer.images, points)
    with timings.stage("hog"):
        hog_f = hog(crops)
    with timings.stage("features"):
        features = normaliser(hog_f, geometry(aligned), pose)
    return FaceBatch(
        subject=subject,
        frames=np.array([o.frame for o in buffer.obs], dtype=np.int64),
        boxes=np.array([o.box for o in buffer.obs], dtype=np.float32),
        landmarks=points.astype(np.float32),
        pose=pose,
        crops=crops,
        features=features,
    )


def run_frames(
    source: Iterable[Frame],
    options: PipelineOptions = PipelineOptions(),
    report: RunReport | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[FaceBatch]:
    """The pipeline over any frame source (a video, stills, a test's synthetic frames)."""
    report = report if report is not None else RunReport()
    tracker = FaceTracker(detect_every=options.detect_every, max_faces=options.max_faces)
    report.tracker = tracker.stats
    normalisers: dict[int, SubjectNormaliser] = {}
    buffers: dict[int, _Buffer] = defaultdict(_Buffer)
    timings = report.timings
    try:
        iterator = iter(source)
        while True:
            with timings.stage("decode"):
                frame = next(iterator, None)
            if frame is None:
                break
            report.frames_seen += 1
            with timings.stage("track"):
                found = tracker.update(frame.image, frame.index, options.stride)
            if found:
                report.frames_with_face += 1
            for obs in found:
                buffer = buffers[obs.subject]
                buffer.obs.append(obs)
                buffer.images.append(frame.image)
                if len(buffer.obs) >= options.batch:
                    normaliser = normalisers.setdefault(obs.subject, SubjectNormaliser())
                    yield _featurise(obs.subject, buffer, normaliser, timings)
                    buffers[obs.subject] = _Buffer()
            if progress is not None:
                progress(frame.index)
        for subject, buffer in sorted(buffers.items()):
            if buffer.obs:
                normaliser = normalisers.setdefault(subject, SubjectNormaliser())
                yield _featurise(subject, buffer, normaliser, timings)
    finally:
        tracker.close()


def run_video(
    path: str | Path,
    options: PipelineOptions = PipelineOptions(),
    report: RunReport | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[FaceBatch]:
    report = report if report is not None else RunReport()
    source = frames(
        path,
        stride=options.stride,
        start_ms=options.start_ms,
        end_ms=options.end_ms,
        width=options.width,
        report=report.decode,
    )
    yield from run_frames(prefetch(source), options, report, progress)


_END = object()


def prefetch(source: Iterable[Frame], depth: int = 8) -> Iterator[Frame]:
    """Decode ahead in a thread: FFmpeg releases the GIL while it decodes, so on two cores the
    next frames are decoded while the mesh runs on this one. An error in the decoder is raised
    here, in order, after the frames decoded before it."""
    pending: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for frame in source:
                while not stop.is_set():
                    try:
                        pending.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put(_END)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            pending.put(exc)

    thread = threading.Thread(target=work, name="face-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = pending.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


@dataclass
class SubjectTrack:
    """Everything the pipeline found for one subject, frames in order."""

    subject: int
    frames: npt.NDArray[np.int64]
    boxes: F32
    landmarks: F32
    pose: F32
    features: F32
    crops: npt.NDArray[np.uint8] | None = None


def collect(batches: Iterable[FaceBatch], crops: bool = False) -> dict[int, SubjectTrack]:
    """Concatenate the batches of each subject. Crops (12.5 kB a frame) are kept only when
    asked for: only image models need them."""
    parts: dict[int, list[FaceBatch]] = defaultdict(list)
    for batch in batches:
        if not crops:
            batch.crops = batch.crops[:0]
        parts[batch.subject].append(batch)
    out = {}
    for subject, items in sorted(parts.items()):
        out[subject] = SubjectTrack(
            subject,
            np.concatenate([b.frames for b in items]),
            np.concatenate([b.boxes for b in items]),
            np.concatenate([b.landmarks for b in items]),
            np.concatenate([b.pose for b in items]),
            np.concatenate([b.features for b in items]).reshape(-1, FEATURE_DIMS),
            np.concatenate([b.crops for b in items]) if crops else None,
        )
    return out
