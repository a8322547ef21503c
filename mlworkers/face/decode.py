"""Decoding frames with PyAV: a stride, a time range, and corrupt frames skipped with a note."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Frame:
    """One decoded RGB frame; ``index`` counts every frame of the stream from 0."""

    index: int
    time_ms: float
    image: Image


@dataclass
class DecodeReport:
    fps: float = 0.0
    frame_count: int = 0
    width: int = 0
    height: int = 0
    decoded: int = 0
    corrupt: list[str] = field(default_factory=list)


class VideoUnreadable(ValueError):
    """The file has no decodable video stream."""


def _fps(rate: Fraction | None) -> float:
    return float(rate) if rate else 25.0


def frames(
    path: str | Path,
    *,
    stride: int = 1,
    start_ms: float = 0.0,
    end_ms: float | None = None,
    width: int | None = None,
    report: DecodeReport | None = None,
) -> Iterator[Frame]:
    """Yield every ``stride``-th frame whose time lies in ``[start_ms, end_ms)``.

    Frame indices are those of the whole stream (frame ``i`` at ``i * 1000 / fps`` ms), so a
    strided or ranged run writes its values at the right places of a full-length trace. A packet
    that fails to decode is noted in ``report.corrupt`` and skipped: one bad frame must not cost
    the rest of the video. ``width`` scales frames down (height keeps the aspect ratio), which
    is where most of the CPU time of a large video goes.
    """
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    report = report if report is not None else DecodeReport()
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise VideoUnreadable(f"cannot open the video: {exc}") from None
    with container:
        if not container.streams.video:
            raise VideoUnreadable("the file has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = _fps(stream.average_rate)
        report.fps = fps
        report.frame_count = int(stream.frames or 0)
        first = max(0, math.ceil(start_ms * fps / 1000.0 - 1e-9))
        stop = math.inf if end_ms is None else math.ceil(end_ms * fps / 1000.0 - 1e-9)
        if first > 0:
            # Seek lands on the keyframe before; frames before ``first`` are dropped below.
            time_base = stream.time_base or Fraction(1, 1000)
            container.seek(int(start_ms / 1000.0 / time_base), stream=stream)
        size = None
        if width is not None and stream.codec_context.width:
            height = round(stream.codec_context.height * width / stream.codec_context.width / 2) * 2
            size = (width, height)
        packets = container.demux(stream)
        count = -1
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                report.corrupt.append(f"demux: {exc}")
                continue
            try:
                decoded = packet.decode()
            except av.error.FFmpegError as exc:
                report.corrupt.append(f"packet at {_packet_ms(packet)} ms: {exc}")
                continue
            for frame in decoded:
                if frame.pts is not None and frame.time is not None:
                    index = round(frame.time * fps)
                else:
                    index = count + 1
                count = index
                if index < first or (index - first) % stride:
                    continue
                if index >= stop:
                    return
                if size is not None:
                    image = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
                else:
                    image = frame.to_ndarray(format="rgb24")
                image = np.asarray(image, dtype=np.uint8)
                report.decoded += 1
                report.width, report.height = image.shape[1], image.shape[0]
                yield Frame(index, index * 1000.0 / fps, image)


def _packet_ms(packet: av.Packet) -> int:  # type: ignore[type-arg]
    if packet.pts is None or packet.time_base is None:
        return -1
    return round(float(packet.pts * packet.time_base) * 1000)
