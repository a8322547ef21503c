"""Video probing, stills and transcoding with PyAV."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from annotations.affect.media import (
    VIDEO_CONTAINERS,
    MediaError,
    MediaInfo,
    needs_transcode,
    poster,
    probe,
    thumbnails,
    transcode_h264,
)
from tests.shared_data import shared_file

PEXELS = "faces/WolfgangLanger_Pexels.mp4"


def jpeg_size(data: bytes) -> tuple[int, int]:
    with av.open(io.BytesIO(data), format="image2pipe") as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height


def make_clip(path: Path, codec: str, *, audio: str | None = None, frames: int = 25) -> Path:
    """A 65x48 (odd width on purpose) 25 fps clip with changing colour, optional silent audio."""
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=25)
        video.width, video.height, video.pix_fmt = 65, 48, "yuv420p"
        sound = out.add_stream(audio, rate=48000) if audio else None
        for i in range(frames):
            image = np.full((48, 65, 3), i * 9, dtype=np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        if sound is not None:
            for i in range(frames * 48000 // 25 // 960):
                chunk = av.AudioFrame.from_ndarray(
                    np.zeros((1, 960), np.float32), format="flt", layout="mono"
                )
                chunk.sample_rate, chunk.pts = 48000, i * 960
                out.mux(sound.encode(chunk))
            out.mux(sound.encode(None))
        out.mux(video.encode(None))
    return path


def test_shared_probe_pexels_exact() -> None:
    info = probe(shared_file(PEXELS))
    assert info == MediaInfo(
        container="mov,mp4,m4a,3gp,3g2,mj2",
        brand="mp42",
        video_codec="h264",
        pix_fmt="yuv420p",
        audio_codec="aac",
        duration_s=19.69,
        fps=Fraction(24000, 1001),
        width=640,
        height=360,
        frame_count=472,
    )
    assert info.duration_ms == 19690
    assert needs_transcode(info) is False


def test_shared_poster_and_thumbnails_are_jpegs_of_the_frame_size() -> None:
    path = shared_file(PEXELS)
    still = poster(path, 5.0)
    assert still[:2] == b"\xff\xd8" and still[-2:] == b"\xff\xd9"
    assert jpeg_size(still) == (640, 360)
    assert jpeg_size(poster(path, 999.0)) == (640, 360)  # clamped to the last frame
    thumbs = thumbnails(path, 4)
    # Middles of four equal slices of 19.69 s: 19.69·(i + 0.5)/4.
    assert [t for t, _ in thumbs] == [2.461, 7.384, 12.306, 17.229]
    assert all(jpeg_size(image) == (640, 360) for _, image in thumbs)
    assert len({image for _, image in thumbs}) == 4


def test_shared_truncated_copy_is_rejected(tmp_path: Path) -> None:
    data = shared_file(PEXELS).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError) as info:
        probe(cut)
    assert str(info.value) == "cut.mp4: the file is truncated (no video data in its last seconds)"
    header_only = tmp_path / "header.mp4"
    header_only.write_bytes(data[:2000])  # moov box cut: FFmpeg cannot even open it
    with pytest.raises(MediaError, match=r"^header\.mp4: not a readable media file"):
        probe(header_only)


def test_text_file_renamed_mp4_is_rejected(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my field notes, not a video\n")
    with pytest.raises(MediaError, match=r"^notes\.mp4: not a readable media file"):
        probe(fake)
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "missing.mp4")


def test_audio_only_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "speech.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        chunk = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), np.int16), format="s16", layout="mono"
        )
        chunk.sample_rate = 8000
        out.mux(stream.encode(chunk))
        out.mux(stream.encode(None))
    with pytest.raises(MediaError) as info:
        probe(path)
    assert str(info.value) == "speech.wav: has no video stream"


@pytest.mark.parametrize(
    ("name", "encoder", "audio", "expected"),
    [
        ("clip.webm", "libvpx-vp9", "libopus", ("matroska,webm", "vp9", "opus")),
        ("clip.avi", "mpeg4", "mp2", ("avi", "mpeg4", "mp2")),
    ],
)
def test_transcode_generated_clip_to_h264(
    tmp_path: Path, name: str, encoder: str, audio: str, expected: tuple[str, str, str]
) -> None:
    src = make_clip(tmp_path / name, encoder, audio=audio)
    before = probe(src)
    assert (before.container, before.video_codec, before.audio_codec) == expected
    assert needs_transcode(before) is True
    progress: list[float] = []
    after = transcode_h264(src, tmp_path / "out.mp4", progress.append)
    assert (after.container, after.brand, after.video_codec, after.pix_fmt, after.audio_codec) == (
        "mov,mp4,m4a,3gp,3g2,mj2",
        "isom",
        "h264",
        "yuv420p",
        "aac",
    )
    assert (after.width, after.height, after.fps, after.frame_count) == (64, 48, Fraction(25), 25)
    assert needs_transcode(after) is False
    assert progress[0] == 0.0 and progress[-1] == 1.0
    assert progress == sorted(progress) and len(progress) > 3


def test_needs_transcode_rules() -> None:
    ok = MediaInfo(
        "mov,mp4,m4a,3gp,3g2,mj2", "isom", "h264", "yuv420p", None, 1.0, Fraction(30), 2, 2, 30
    )
    assert needs_transcode(ok) is False
    assert needs_transcode(MediaInfo(**{**ok.__dict__, "pix_fmt": "yuv420p10le"})) is True
    assert needs_transcode(MediaInfo(**{**ok.__dict__, "brand": "qt  "})) is True
    assert needs_transcode(MediaInfo(**{**ok.__dict__, "audio_codec": "pcm_s16le"})) is True
    assert needs_transcode(MediaInfo(**{**ok.__dict__, "video_codec": "hevc"})) is True


def test_text_file_opened_as_ansi_art_is_not_a_video(tmp_path: Path) -> None:
    # FFmpeg opens text as its "tty" (ANSI art) format with a video stream; probe refuses it.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video at all\n" * 50)
    with pytest.raises(MediaError) as info:
        probe(notes)
    assert str(info.value) == "notes.txt: not a video file (tty)"


def test_single_image_is_not_a_video(tmp_path: Path) -> None:
    still = tmp_path / "still.png"
    with av.open(str(still), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "rgb24"
        image = np.zeros((16, 16, 3), np.uint8)
        out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode(None))
    with pytest.raises(MediaError) as info:
        probe(still)
    assert str(info.value) == "still.png: not a video file (png_pipe)"
    with pytest.raises(MediaError):
        poster(still)


def test_every_allowed_container_is_a_real_demuxer() -> None:
    expected = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpeg", "mpegts", "ogg", "flv"}
    assert set(VIDEO_CONTAINERS) == {*expected, "asf"}
    assert {"tty", "image2", "png_pipe", "gif"}.isdisjoint(VIDEO_CONTAINERS)
