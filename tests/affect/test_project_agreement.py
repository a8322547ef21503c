"""Agreement pooled over the videos of a project, checked against hand-computed values."""

from __future__ import annotations

from annotations.affect.agreement import (
    VideoRatings,
    krippendorff_alpha,
    project_au_agreement,
)
from annotations.affect.model import Layer, Segment


def layer(annotator: str, t0: int, t1: int, intensity: int) -> Layer:
    return Layer("l-" + annotator, "v", annotator, segments=[Segment(t0, t1, {"AU12": intensity})])


# Video A: occurrence ana 1111100000, ben 1110000000 (intensities 3 and 2).
# Video B: occurrence ana 1111111111, ben 0000011111 (intensity 1 both).
VIDEO_A = VideoRatings([layer("ana", 0, 500, 3), layer("ben", 0, 300, 2)], 10.0, 10)
VIDEO_B = VideoRatings([layer("ana", 0, 1000, 1), layer("ben", 500, 1000, 1)], 10.0, 10)


def test_pooled_kappa_and_alpha_over_every_frame_of_every_video() -> None:
    report = project_au_agreement([VIDEO_A, VIDEO_B], ["AU12", "AU6"])

    # Summed pair table: both 1: 8, ana 1 ben 0: 7, both 0: 5 (20 frames).
    # p_o = 13/20, p_e = (15*8 + 5*12)/400 = 0.45, kappa = 0.2/0.55.
    # Coincidences: o11 = 16, o10 = o01 = 7, o00 = 10; alpha = 1 - 39*14/(2*23*17).
    levels = [[3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
              [2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]]  # fmt: skip
    assert report["pooled"] == {
        "videos": 2,
        "frames": 20,
        "kappa": [0.363636, None],
        "pair_frames": [20, 20],
        "alpha_nominal": [0.30179, None],
        "alpha_ordinal": [round(krippendorff_alpha(levels, "ordinal"), 6), None],
    }
    assert report["pooled"]["alpha_ordinal"][0] == 0.366145
    assert report["aus"] == ["AU12", "AU6"]


def test_each_video_gets_its_own_summary() -> None:
    report = project_au_agreement([VIDEO_A, VIDEO_B], ["AU12", "AU6"])

    # Two coders: Fleiss' kappa is Scott's pi. A: (0.8 - 0.52)/0.48; B: (0.5 - 0.625)/0.375.
    assert [v["fleiss_kappa"] for v in report["videos"]] == [[0.583333, None], [-0.333333, None]]
    assert [(v["coders"], v["n_frames"]) for v in report["videos"]] == [
        (["ana", "ben"], 10),
        (["ana", "ben"], 10),
    ]
    # B has two values only, so ordinal alpha is nominal: 1 - 19*10/(2*15*5).
    assert report["videos"][1]["alpha_ordinal"] == [-0.266667, None]


def test_no_videos_gives_empty_pooled_values() -> None:
    report = project_au_agreement([], ["AU12"])

    assert report == {
        "aus": ["AU12"],
        "videos": [],
        "pooled": {"videos": 0, "frames": 0, "kappa": [None], "pair_frames": [0],
                   "alpha_nominal": [None], "alpha_ordinal": [None]},
    }  # fmt: skip
