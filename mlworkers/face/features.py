"""Appearance and shape features of aligned faces, normalised per person as OpenFace does.

* HOG of the 112x112 aligned grey crop: 8-pixel cells, 9 unsigned orientations, 2x2-cell blocks
  with L2-Hys normalisation (OpenCV's vectorised implementation);
* geometry: the 468 mesh points in crop coordinates, centred and scaled to the crop;
* per-subject running median of both (a histogram per dimension, as in OpenFace 2.0), subtracted
  from the current frame: what is left is how this face differs from its own neutral, which is
  what an AU is. Raw and normalised features are both kept, so a model sees the person-specific
  offset and the absolute shape.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from mlworkers.face.align import CROP

F32 = npt.NDArray[np.float32]
CELL: Final = 8
BINS: Final = 9
BLOCK_STRIDE: Final = 2  # in cells: 2x2 blocks, one every other cell
HOG_DIMS: Final = ((CROP // CELL - 2) // BLOCK_STRIDE + 1) ** 2 * 4 * BINS
GEOMETRY_DIMS: Final = 468 * 3
POSE_DIMS: Final = 3
FEATURE_DIMS: Final = 2 * (HOG_DIMS + GEOMETRY_DIMS) + POSE_DIMS


_HOG = cv2.HOGDescriptor(
    (CROP, CROP), (2 * CELL, 2 * CELL), (BLOCK_STRIDE * CELL,) * 2, (CELL, CELL), BINS
)


def hog(crops: npt.NDArray[np.uint8]) -> F32:
    """HOG descriptors ``(B, HOG_DIMS)`` of a batch of ``(B, 112, 112)`` grey crops.

    OpenCV's SIMD implementation (L2-Hys blocks, soft binning): 0.1 ms a face here, where the
    same computation batched in numpy took 2 ms, most of it in ``arctan2``.
    """
    out = np.empty((len(crops), HOG_DIMS), dtype=np.float32)
    for i, crop in enumerate(crops):
        out[i] = np.asarray(_HOG.compute(np.ascontiguousarray(crop))).ravel()
    return out


def geometry(aligned: npt.NDArray[np.float64]) -> F32:
    """``(B, 468, 3)`` landmarks in crop pixels → ``(B, 1404)`` centred, crop-scaled shape."""
    shape = aligned.copy()
    shape[:, :, :2] -= CROP / 2
    shape[:, :, 2] -= shape[:, :, 2].mean(axis=1, keepdims=True)
    return (shape / CROP).reshape(len(shape), -1).astype(np.float32)


class RunningMedian:
    """Median of every dimension over all frames seen so far, from per-dimension histograms.

    Memory and time per update are fixed whatever the video length; values outside
    ``[low, high]`` count in the end bins, as OpenFace's does. The histogram is stored bins
    first, ``(bins, dims)``, so the running sum over bins adds whole rows (SIMD) instead of
    walking each dimension's 200 bins one by one.
    """

    def __init__(self, dims: int, low: float, high: float, bins: int = 200) -> None:
        self.low, self.high, self.bins = low, high, bins
        # int32: a count per bin never reaches 2**31 frames, and half the bytes to add up.
        self.hist = np.zeros((bins, dims), dtype=np.int32)
        self.count = 0
        self._columns = np.arange(dims, dtype=np.int64)
        self._cumulative = np.empty_like(self.hist)

    def update(self, values: F32) -> None:
        """Add a batch ``(B, dims)``."""
        if not len(values):
            return
        idx = ((values - self.low) * (self.bins / (self.high - self.low))).astype(np.int64)
        idx = np.clip(idx, 0, self.bins - 1)
        # A row adds one count to each dimension, so its (bin, dim) pairs never repeat and a
        # fancy-indexed add is exact: far cheaper than a bincount over every bin.
        for row in idx:
            self.hist[row, self._columns] += 1
        self.count += len(values)

    def median(self) -> F32:
        if not self.count:
            return np.zeros(self.hist.shape[1], dtype=np.float32)
        cumulative = self._cumulative
        cumulative[0] = self.hist[0]
        for b in range(1, self.bins):
            np.add(cumulative[b - 1], self.hist[b], out=cumulative[b])
        first = (cumulative >= (self.count + 1) / 2).argmax(axis=0)
        width = (self.high - self.low) / self.bins
        median: F32 = (self.low + (first + 0.5) * width).astype(np.float32)
        return median


class SubjectNormaliser:
    """The running medians of one subject; frames of a batch update it one after another in
    blocks, so early frames are normalised by what was seen up to them, never by the future."""

    def __init__(self, block: int = 8) -> None:
        self.hog = RunningMedian(HOG_DIMS, 0.0, 0.5)
        self.shape = RunningMedian(GEOMETRY_DIMS, -0.75, 0.75)
        self.block = block

    def __call__(self, hog_f: F32, shape_f: F32, pose: F32) -> F32:
        out = np.empty((len(hog_f), FEATURE_DIMS), dtype=np.float32)
        for start in range(0, len(hog_f), self.block):
            part = slice(start, start + self.block)
            self.hog.update(hog_f[part])
            self.shape.update(shape_f[part])
            out[part] = np.hstack(
                [
                    hog_f[part],
                    shape_f[part],
                    hog_f[part] - self.hog.median(),
                    shape_f[part] - self.shape.median(),
                    pose[part] / 90.0,
                ]
            )
        return out
