"""Several faces as subjects with stable ids.

Detection (BlazeFace on the whole frame) runs every ``detect_every`` frames and whenever a
subject was lost; between detections each subject's mesh runs on the crop around where its face
was on the previous frame, which is what makes the pipeline fast. A detection that overlaps a
subject seen in the last ``forget_after`` frames is that subject again, so a face that turns away
or is hidden by a hand for a moment keeps its id; any other detection is a new subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mlworkers.face.landmarks import (
    Detection,
    FaceDetector,
    FaceMesh,
    FloatArray,
    Image,
    landmark_box,
    mesh_in_roi,
)

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    w = min(ax1, bx1) - max(a[0], b[0])
    h = min(ay1, by1) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def _near(a: Box, b: Box) -> bool:
    """Same face if the boxes overlap or the centres are within half a face width."""
    if iou(a, b) >= 0.3:
        return True
    ca = np.array([a[0] + a[2] / 2, a[1] + a[3] / 2])
    cb = np.array([b[0] + b[2] / 2, b[1] + b[3] / 2])
    return bool(np.linalg.norm(ca - cb) < 0.5 * max(a[2], b[2]))


@dataclass
class Observation:
    """One subject's face on one frame."""

    subject: int
    frame: int
    box: Box
    landmarks: FloatArray
    score: float


@dataclass
class _Track:
    subject: int
    box: Box
    mesh: FaceMesh
    last_seen: int
    active: bool = True


@dataclass
class TrackerStats:
    detections_run: int = 0
    mesh_runs: int = 0
    lost: list[tuple[int, int]] = field(default_factory=list)  # (subject, frame)


class FaceTracker:
    """Feed frames in order with :meth:`update`; each call returns that frame's observations."""

    def __init__(
        self,
        *,
        detect_every: int = 12,
        forget_after: int = 48,
        max_faces: int = 8,
        min_face_px: float = 24.0,
        detector: FaceDetector | None = None,
        mesh_factory: Callable[[], FaceMesh] = FaceMesh,
    ) -> None:
        self.detect_every = max(1, detect_every)
        self.forget_after = forget_after
        self.max_faces = max_faces
        self.min_face_px = min_face_px
        self._detector = detector or FaceDetector()
        self._mesh_factory = mesh_factory
        self._tracks: list[_Track] = []
        self._next_id = 1
        self._since_detect = 0
        self.stats = TrackerStats()

    def _detect(self, image: Image) -> list[Detection]:
        self.stats.detections_run += 1
        found = [d for d in self._detector(image) if min(d.w, d.h) >= self.min_face_px]
        return sorted(found, key=lambda d: -d.score)[: self.max_faces]

    def _assign(self, detections: list[Detection], frame: int) -> None:
        taken: set[int] = set()
        for det in detections:
            box = (det.x, det.y, det.w, det.h)
            active = [t for t in self._tracks if t.active and t.subject not in taken]
            if any(_near(t.box, box) for t in active):
                taken.update(t.subject for t in active if _near(t.box, box))
                continue
            recent = [
                t
                for t in self._tracks
                if not t.active
                and t.subject not in taken
                and frame - t.last_seen <= self.forget_after
                and _near(t.box, box)
            ]
            if recent:
                track = max(recent, key=lambda t: t.last_seen)
                track.active, track.box = True, box
            else:
                track = _Track(self._next_id, box, self._mesh_factory(), frame)
                self._next_id += 1
                self._tracks.append(track)
            taken.add(track.subject)

    def update(self, image: Image, frame: int, step: int = 1) -> list[Observation]:
        """Observations on ``frame``; ``step`` is the stride, so that detection stays every
        ``detect_every`` source frames whatever the stride."""
        self._since_detect += step
        lost_any = any(
            not t.active and frame - t.last_seen <= self.forget_after for t in self._tracks
        )
        if (
            not any(t.active for t in self._tracks)
            or self._since_detect >= self.detect_every
            or (lost_any and self._since_detect >= max(1, self.detect_every // 4))
        ):
            self._assign(self._detect(image), frame)
            self._since_detect = 0
        out: list[Observation] = []
        for track in self._tracks:
            if not track.active:
                continue
            self.stats.mesh_runs += 1
            points = mesh_in_roi(track.mesh, image, track.box)
            if points is None:
                track.active = False
                self.stats.lost.append((track.subject, frame))
                continue
            track.box = landmark_box(points)
            track.last_seen = frame
            out.append(Observation(track.subject, frame, track.box, points, 1.0))
        # Two tracks that converged on one face: the younger one goes.
        out.sort(key=lambda o: o.subject)
        kept: list[Observation] = []
        for obs in out:
            if any(iou(obs.box, k.box) > 0.5 for k in kept):
                for track in self._tracks:
                    if track.subject == obs.subject:
                        track.active = False
                continue
            kept.append(obs)
        return kept

    def close(self) -> None:
        for track in self._tracks:
            track.mesh.close()
        self._detector.close()


def faces_in_image(image: Image, detector: FaceDetector | None = None) -> list[Observation]:
    """Every face of a still image as its own subject (1, 2, ... left to right)."""
    detector = detector or FaceDetector()
    found = sorted(detector(image), key=lambda d: d.x)
    mesh = FaceMesh(static=True)
    out: list[Observation] = []
    try:
        for det in found:
            points = mesh_in_roi(mesh, image, (det.x, det.y, det.w, det.h))
            if points is not None:
                out.append(Observation(len(out) + 1, 0, landmark_box(points), points, det.score))
    finally:
        mesh.close()
    return out
