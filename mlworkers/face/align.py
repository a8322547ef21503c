"""Alignment of a face to a fixed crop, and head pose, from the 468-point mesh."""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from mlworkers.face.landmarks import FloatArray, Image

CROP: Final = 112
# Mesh indices: eye corners, nose tip, mouth corners, chin and the top of the forehead.
RIGHT_EYE: Final = (33, 133)
LEFT_EYE: Final = (362, 263)
NOSE_TIP: Final = 1
MOUTH: Final = (61, 291)
CHIN: Final = 152
FOREHEAD: Final = 10
# Where those five points go in a 112x112 crop: the usual five-point face template (eyes at
# 46% of the height, mouth at 82%), which leaves the brows and the chin inside the crop.
TEMPLATE: Final = np.array(
    [[38.3, 51.7], [73.5, 51.5], [56.0, 71.7], [41.5, 92.4], [70.7, 92.2]], dtype=np.float64
)


def key_points(landmarks: FloatArray) -> FloatArray:
    """The five alignment points ``(5, 2)`` of one face."""
    return np.stack(
        [
            landmarks[list(RIGHT_EYE), :2].mean(axis=0),
            landmarks[list(LEFT_EYE), :2].mean(axis=0),
            landmarks[NOSE_TIP, :2],
            landmarks[MOUTH[0], :2],
            landmarks[MOUTH[1], :2],
        ]
    )


def similarity(src: FloatArray, dst: FloatArray) -> FloatArray:
    """The least-squares similarity (rotation, uniform scale, shift) taking ``src`` to ``dst``
    as a 2x3 matrix (Umeyama 1991)."""
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    s, d = src - mu_s, dst - mu_d
    cov = d.T @ s / len(src)
    u, sigma, vt = np.linalg.svd(cov)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rot = u @ np.diag(sign) @ vt
    var = (s**2).sum() / len(src)
    scale = float((sigma * sign).sum() / var) if var > 0 else 1.0
    shift = mu_d - scale * rot @ mu_s
    return np.hstack([scale * rot, shift[:, None]])


def align(image: Image, landmarks: FloatArray, size: int = CROP) -> tuple[Image, FloatArray]:
    """The grey ``size`` square crop of the face and the 2x3 map that made it."""
    template = TEMPLATE * (size / CROP)
    matrix = similarity(key_points(landmarks), template)
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    crop = cv2.warpAffine(grey, matrix, (size, size), flags=cv2.INTER_LINEAR)
    return np.asarray(crop, dtype=np.uint8), matrix


def aligned_landmarks(landmarks: FloatArray, matrix: FloatArray) -> FloatArray:
    """Landmarks in crop coordinates (x, y through ``matrix``; z scaled alike)."""
    xy = landmarks[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    return np.hstack([xy, landmarks[:, 2:3] * scale])


def head_pose(landmarks: FloatArray) -> tuple[float, float, float]:
    """Yaw, pitch and roll in degrees from the mesh's own 3D points.

    The face's axes are the eye line (x) and the chin-to-forehead line (y), made orthogonal; no
    3D head model is needed because the mesh's z is already metric up to scale. Positive yaw
    turns the face to the image's right, positive pitch tilts it up, positive roll clockwise.
    """
    pts = landmarks.copy()
    pts[:, 1] *= -1  # image y grows downwards
    pts[:, 2] *= -1  # mesh z grows away from the camera
    x = pts[list(LEFT_EYE)].mean(axis=0) - pts[list(RIGHT_EYE)].mean(axis=0)
    y = pts[FOREHEAD] - pts[CHIN]
    x /= np.linalg.norm(x) or 1.0
    y -= x * (y @ x)
    y /= np.linalg.norm(y) or 1.0
    z = np.cross(x, y)
    yaw = float(np.degrees(np.arctan2(z[0], z[2])))
    pitch = float(np.degrees(np.arctan2(z[1], np.hypot(z[0], z[2]))))
    roll = float(np.degrees(np.arctan2(-x[1], x[0])))
    return yaw, pitch, roll
