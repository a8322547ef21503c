"""Video probing, stills and browser transcoding with PyAV (FFmpeg bundled in the wheel).

Everything takes a filesystem path: uploads land in storage first and these run in a worker, so
no function here holds a whole video in memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import av.container
import av.error
import av.stream
import av.video
from av.video.codeccontext import VideoCodecContext
from av.video.stream import VideoStream

PLAYABLE_CONTAINER_BRANDS: Final = frozenset(
    {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash"}
)
PLAYABLE_AUDIO: Final = frozenset({"aac"})
_MP4_FORMAT: Final = "mov,mp4,m4a,3gp,3g2,mj2"
# FFmpeg demuxers of real video files. Opening is not enough: FFmpeg reads any text file as ANSI
# art ("tty") and a single image as a one-frame video, so anything else is refused here.
VIDEO_CONTAINERS: Final = frozenset(
    {_MP4_FORMAT, "matroska,webm", "avi", "mpeg", "mpegts", "ogg", "flv", "asf"}
)
_TAIL_SECONDS: Final = 2.0

ProgressCallback = Callable[[float], None]


class MediaError(ValueError):
    """The file is not a usable video; the message says why in words an uploader understands."""


@dataclass(frozen=True)
class MediaInfo:
    """What the annotation tools need to know about a video.

    ``container`` is FFmpeg's demuxer name (``mov,mp4,m4a,3gp,3g2,mj2`` covers MP4 and MOV;
    ``brand`` tells them apart). ``fps`` is exact (``24000/1001``). ``duration_s`` is the
    container's duration; ``frame_count`` is the stream's, or estimated from duration x fps when
    the container does not record it (WebM).
    """

    container: str
    brand: str
    video_codec: str
    pix_fmt: str
    audio_codec: str | None
    duration_s: float
    fps: Fraction
    width: int
    height: int
    frame_count: int

    @property
    def duration_ms(self) -> int:
        return round(self.duration_s * 1000)


def _open(path: str | Path) -> av.container.InputContainer:
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p.name}: no such file")
    try:
        return av.open(str(p), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        # FFmpeg's message ends with the absolute path; users see the reason, never our paths.
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise MediaError(f"{p.name}: not a readable media file ({reason})") from None


def probe(path: str | Path) -> MediaInfo:
    """Describe a video; :class:`MediaError` for non-video, audio-only or truncated files.

    Only the containers in :data:`VIDEO_CONTAINERS` are accepted: text files, images and other
    things FFmpeg happens to open are not videos to annotate.

    Truncation is caught by demuxing the last seconds: an MP4 whose index is intact but whose
    media data was cut short opens fine and only fails there.
    """
    name = Path(path).name
    with _open(path) as container:
        if not container.streams.video:
            raise MediaError(f"{name}: has no video stream")
        if container.format.name not in VIDEO_CONTAINERS:
            raise MediaError(f"{name}: not a video file ({container.format.name})")
        video = container.streams.video[0]
        ctx = video.codec_context
        if not ctx.width or not ctx.height:
            raise MediaError(f"{name}: the video stream has no frame size")
        rate = video.average_rate or video.guessed_rate
        if not rate:
            raise MediaError(f"{name}: the video stream has no frame rate")
        fps = Fraction(rate)
        if container.duration is not None:
            duration = container.duration / av.time_base
        elif video.duration is not None and video.time_base is not None:
            duration = float(video.duration * video.time_base)
        else:
            raise MediaError(f"{name}: duration unknown")
        if duration <= 0:
            raise MediaError(f"{name}: duration is zero")
        frames = video.frames or math.floor(duration * fps + 0.5)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        _check_tail(container, video, duration, name)
        return MediaInfo(
            container=container.format.name,
            brand=str(container.metadata.get("major_brand", "")),
            video_codec=ctx.name,
            pix_fmt=str(ctx.pix_fmt),
            audio_codec=audio,
            duration_s=duration,
            fps=fps,
            width=ctx.width,
            height=ctx.height,
            frame_count=frames,
        )


def _check_tail(
    container: av.container.InputContainer, video: VideoStream, duration: float, name: str
) -> None:
    assert video.time_base is not None
    start = max(0.0, duration - _TAIL_SECONDS)
    try:
        container.seek(int(start / video.time_base), stream=video, backward=True)
        last = None
        for packet in container.demux(video):
            if packet.size and packet.pts is not None:
                last = packet.pts
    except av.error.FFmpegError as exc:
        raise MediaError(f"{name}: the file is damaged near its end ({exc})") from None
    if last is None or float(last * video.time_base) < start - _TAIL_SECONDS:
        raise MediaError(f"{name}: the file is truncated (no video data in its last seconds)")


def needs_transcode(info: MediaInfo) -> bool:
    """Browsers play H.264 8-bit 4:2:0 with AAC (or no audio) in MP4; anything else is converted."""
    playable = (
        info.container == _MP4_FORMAT
        and info.brand in PLAYABLE_CONTAINER_BRANDS
        and info.video_codec == "h264"
        and info.pix_fmt == "yuv420p"
        and (info.audio_codec is None or info.audio_codec in PLAYABLE_AUDIO)
    )
    return not playable


def _jpeg(frame: av.VideoFrame, quality: int) -> bytes:
    encoder = av.CodecContext.create("mjpeg", "w")
    assert isinstance(encoder, VideoCodecContext)
    encoder.width = frame.width
    encoder.height = frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"qmin": str(quality), "qmax": str(quality)}
    encoder.open()
    packets = encoder.encode(frame.reformat(format="yuvj420p"))
    packets += encoder.encode(None)
    return b"".join(bytes(p) for p in packets)


def _frame_at(
    container: av.container.InputContainer, video: VideoStream, seconds: float
) -> av.VideoFrame | None:
    assert video.time_base is not None
    container.seek(int(seconds / video.time_base), stream=video, backward=True)
    chosen = None
    for frame in container.decode(video):
        if frame.time is None:
            continue
        if chosen is not None and frame.time > seconds + 1e-6:
            break
        chosen = frame
        if frame.time >= seconds - 1e-6:
            break
    return chosen


@contextmanager
def _decoding(path: str | Path) -> Iterator[None]:
    """A file whose header probes can still hold packets the decoder refuses (a truncated or
    overwritten ``mdat``): that is bad input, reported as a :class:`MediaError` by name only."""
    try:
        yield
    except av.error.FFmpegError as exc:
        reason = exc.strerror or type(exc).__name__
        name = Path(path).name
        raise MediaError(f"{name}: the video data cannot be decoded ({reason})") from None


def poster(path: str | Path, at_seconds: float = 0.0, quality: int = 3) -> bytes:
    """JPEG of the frame shown at ``at_seconds`` (clamped into the video)."""
    info = probe(path)
    at = min(max(at_seconds, 0.0), max(0.0, info.duration_s - 1.0 / float(info.fps)))
    with _open(path) as container, _decoding(path):
        video = container.streams.video[0]
        frame = _frame_at(container, video, at)
        if frame is None:
            raise MediaError(f"{Path(path).name}: no frame could be decoded at {at:.3f} s")
        return _jpeg(frame, quality)


def thumbnails(path: str | Path, count: int, quality: int = 5) -> list[tuple[float, bytes]]:
    """``count`` JPEG stills at the middles of equal slices of the video, for a scrub bar."""
    if count < 1:
        raise ValueError("count must be at least 1")
    info = probe(path)
    times = [info.duration_s * (i + 0.5) / count for i in range(count)]
    out = []
    with _open(path) as container, _decoding(path):
        video = container.streams.video[0]
        for t in times:
            frame = _frame_at(container, video, t)
            if frame is None:
                raise MediaError(f"{Path(path).name}: no frame could be decoded at {t:.3f} s")
            out.append((round(t, 3), _jpeg(frame, quality)))
    return out


def transcode_h264(
    src: str | Path,
    dst: str | Path,
    progress_callback: ProgressCallback | None = None,
    *,
    crf: int = 20,
) -> MediaInfo:
    """Write a browser-playable MP4 (H.264 yuv420p, AAC, moov first) and return its probe.

    Odd frame sizes are cropped by one pixel (4:2:0 needs even sizes). Progress goes from 0 to 1
    by media time decoded; the callback is called at most once per percent.
    """
    info = probe(src)
    report = progress_callback or (lambda _: None)
    report(0.0)
    width, height = info.width - info.width % 2, info.height - info.height % 2
    last_percent = 0
    with (
        _open(src) as source,
        av.open(str(dst), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        in_video = source.streams.video[0]
        in_audio = source.streams.audio[0] if source.streams.audio else None
        out_video = out.add_stream("libx264", rate=info.fps)
        out_video.width, out_video.height = width, height
        out_video.pix_fmt = "yuv420p"
        out_video.options = {"crf": str(crf), "preset": "veryfast"}
        out_audio = None
        if in_audio is not None:
            rate = in_audio.codec_context.sample_rate or 48000
            out_audio = out.add_stream("aac", rate=rate)
        resampler = (
            av.AudioResampler(format="fltp", layout="stereo", rate=out_audio.rate)
            if out_audio is not None
            else None
        )
        frame_time = Fraction(1) / info.fps
        video_count = 0
        streams = [in_video] + ([in_audio] if in_audio is not None else [])
        for packet in source.demux(*streams):
            for frame in packet.decode():
                if isinstance(frame, av.VideoFrame):
                    image = frame.reformat(width=width, height=height, format="yuv420p")
                    image.pts = video_count
                    image.time_base = frame_time
                    video_count += 1
                    out.mux(out_video.encode(image))
                    if frame.time is not None:
                        percent = min(99, int(100 * frame.time / info.duration_s))
                        if percent > last_percent:
                            last_percent = percent
                            report(percent / 100)
                elif resampler is not None and out_audio is not None:
                    assert isinstance(frame, av.AudioFrame)
                    frame.pts = None
                    for chunk in resampler.resample(frame):
                        out.mux(out_audio.encode(chunk))
        out.mux(out_video.encode(None))
        if out_audio is not None:
            out.mux(out_audio.encode(None))
    result = probe(dst)
    report(1.0)
    return result
