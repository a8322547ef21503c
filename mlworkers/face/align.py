"""Alignment of a face to a fixed crop, and head pose, from the 468-point mesh."""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from mlworkers.face.landmarks import FloatArray, Image

F32 = npt.NDArray[np.float32]
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


def similarities(src: FloatArray, dst: FloatArray) -> FloatArray:
    """:func:`similarity` for a batch ``(n, k, 2)`` of point sets at once: ``(n, 2, 3)``.

    In 2D the least-squares rotation and scale have a closed form (``a = Σ s·d / Σ|s|²``,
    ``b = Σ s×d / Σ|s|²``), so no SVD per face is needed."""
    mu_s = src.mean(axis=1, keepdims=True)
    s, d = src - mu_s, dst[None] - dst.mean(axis=0)
    var = (s**2).sum(axis=(1, 2))
    var = np.where(var > 0, var, 1.0)
    a = (s * d).sum(axis=(1, 2)) / var
    b = (s[..., 0] * d[..., 1] - s[..., 1] * d[..., 0]).sum(axis=1) / var
    out = np.empty((len(src), 2, 3), dtype=np.float64)
    out[:, 0, 0], out[:, 0, 1], out[:, 1, 0], out[:, 1, 1] = a, -b, b, a
    out[:, :, 2] = dst.mean(axis=0) - np.einsum("nij,nj->ni", out[:, :, :2], mu_s[:, 0])
    return out


def _warp_grey(image: Image, matrix: FloatArray, size: int) -> Image:
    # Warp first, then convert the small crop: the same pixels as converting the whole frame
    # first, at a fraction of the cost.
    crop = cv2.warpAffine(image, matrix, (size, size), flags=cv2.INTER_LINEAR)
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    return np.asarray(crop, dtype=np.uint8)


def align(image: Image, landmarks: FloatArray, size: int = CROP) -> tuple[Image, FloatArray]:
    """The grey ``size`` square crop of the face and the 2x3 map that made it."""
    template = TEMPLATE * (size / CROP)
    matrix = similarity(key_points(landmarks), template)
    return _warp_grey(image, matrix, size), matrix


def align_batch(
    images: list[Image], landmarks: FloatArray, size: int = CROP
) -> tuple[npt.NDArray[np.uint8], FloatArray, F32]:
    """Grey crops ``(n, size, size)``, landmarks in crop coordinates ``(n, 468, 3)`` and head
    poses ``(n, 3)`` of ``n`` faces (``images[i]`` holds face ``i``), the geometry in one pass
    of numpy for the whole batch."""
    n = len(landmarks)
    template = TEMPLATE * (size / CROP)
    points = np.stack(
        [
            landmarks[:, list(RIGHT_EYE), :2].mean(axis=1),
            landmarks[:, list(LEFT_EYE), :2].mean(axis=1),
            landmarks[:, NOSE_TIP, :2],
            landmarks[:, MOUTH[0], :2],
            landmarks[:, MOUTH[1], :2],
        ],
        axis=1,
    )
    matrices = similarities(points, template)
    crops = np.empty((n, size, size), dtype=np.uint8)
    for i in range(n):
        crops[i] = _warp_grey(images[i], matrices[i], size)
    xy = (
        np.einsum("nkj,nij->nki", landmarks[:, :, :2], matrices[:, :, :2]) + matrices[:, None, :, 2]
    )
    scale = np.hypot(matrices[:, 0, 0], matrices[:, 1, 0])
    aligned = np.concatenate([xy, landmarks[:, :, 2:3] * scale[:, None, None]], axis=2)
    return crops, aligned, head_poses(landmarks)


def aligned_landmarks(landmarks: FloatArray, matrix: FloatArray) -> FloatArray:
    """Landmarks in crop coordinates (x, y through ``matrix``; z scaled alike)."""
    xy = landmarks[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    return np.hstack([xy, landmarks[:, 2:3] * scale])


def head_pose(landmarks: FloatArray) -> tuple[float, float, float]:
    """Yaw, pitch and roll in degrees of one face (see :func:`head_poses`)."""
    yaw, pitch, roll = head_poses(landmarks[None])[0]
    return float(yaw), float(pitch), float(roll)


def head_poses(landmarks: FloatArray) -> F32:
    """Yaw, pitch and roll in degrees ``(n, 3)`` from the mesh's own 3D points ``(n, 468, 3)``.

    The face's axes are the eye line (x) and the chin-to-forehead line (y), made orthogonal; no
    3D head model is needed because the mesh's z is already metric up to scale. Positive yaw
    turns the face to the image's right, positive pitch tilts it up, positive roll clockwise.
    """
    flip = np.array([1.0, -1.0, -1.0])  # image y grows downwards, mesh z away from the camera
    left = landmarks[:, list(LEFT_EYE)].mean(axis=1) * flip
    right = landmarks[:, list(RIGHT_EYE)].mean(axis=1) * flip
    x = left - right
    y = (landmarks[:, FOREHEAD] - landmarks[:, CHIN]) * flip
    x /= _norm(x)
    y -= x * (y * x).sum(axis=1, keepdims=True)
    y /= _norm(y)
    z = np.cross(x, y)
    out = np.empty((len(landmarks), 3), dtype=np.float32)
    out[:, 0] = np.degrees(np.arctan2(z[:, 0], z[:, 2]))
    out[:, 1] = np.degrees(np.arctan2(z[:, 1], np.hypot(z[:, 0], z[:, 2])))
    out[:, 2] = np.degrees(np.arctan2(-x[:, 1], x[:, 0]))
    return out


def _norm(v: FloatArray) -> FloatArray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return np.where(n > 0, n, 1.0)
