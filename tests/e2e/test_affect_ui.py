"""The affect screens end to end: a real browser codes a real video against the live server.

The video is the shared Pexels clip (``faces/WolfgangLanger_Pexels.mp4``), uploaded through the
real service; what the browser saves is read back from Mongo through the service layer.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import UploadedFile
from playwright.sync_api import expect

from tests.shared_data import shared_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
FACE_VIDEO = "faces/WolfgangLanger_Pexels.mp4"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()


def au_level(page: Any, au: str, level: str) -> Any:
    """The radio of one level in an AU's radio group ("AU12 Lip Corner Puller")."""
    group = page.get_by_role("radiogroup", name=re.compile(rf"^{au} "))
    return group.get_by_role("radio", name=re.compile(rf"^{re.escape(level)}(\s|$)"))


def frame_ms(frame: int, fps: Fraction) -> int:
    """The server's ``frame_to_ms`` with the exact rate."""
    return math.floor(frame * 1000 / fps)


def current_time(page: Any) -> float:
    return float(page.evaluate("document.querySelector('[data-testid=video]').currentTime"))


def screenshot(page: Any, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / name), full_page=True)


@pytest.fixture
def shared_video(team: Any, mongo_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The Pexels clip uploaded by the manager through the real upload service."""
    from annotations.affect_api.services import videos

    settings.MEDIA_ROOT = tmp_path
    path = shared_file(FACE_VIDEO)
    with path.open("rb") as handle:
        upload = UploadedFile(
            handle, name=path.name, content_type="video/mp4", size=path.stat().st_size
        )
        return dict(videos.upload_video(team.manager, team.project, upload))


def own_layers(team: Any, video_id: str, annotator: str) -> list[dict[str, Any]]:
    from annotations.affect_api.services import layers

    return [
        dict(doc)
        for doc in layers.list_layers(team.project, video_id)
        if doc["annotator"] == annotator and doc["kind"] == "coder"
    ]


def test_annotator_codes_shared_video_with_hotkeys_and_saves(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    video_id = shared_video["_id"]
    fps = Fraction(shared_video["fps"])

    # Given an annotator on the project's video list
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi")
    page.get_by_role("link", name="Videos", exact=True).click()
    card = page.get_by_test_id(f"video-{video_id}")
    expect(card).to_contain_text("WolfgangLanger_Pexels.mp4")
    expect(card).to_contain_text("fps")

    # When they open the workspace, the streamed video loads and plays
    card.get_by_role("link", name="WolfgangLanger_Pexels.mp4").click()
    page.wait_for_url(f"{live_server.url}/projects/lezgi/videos/{video_id}")
    page.wait_for_function("() => document.querySelector('[data-testid=video]')?.readyState >= 2")
    page.get_by_test_id("play").click()
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime > 0.3")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_text("Play")
    page.evaluate("document.activeElement && document.activeElement.blur()")

    # And keyboard seeks move the playhead: Home to 0, → one second, "." one frame
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime === 0")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime === 1")
    in_frame = math.floor(fps)  # the frame shown at 1.000 s
    expect(page.get_by_test_id("current-frame")).to_have_text(f"frame {in_frame}")

    # When they press I, step 12 frames with ".", and press O
    page.keyboard.press("i")
    expect(page.get_by_test_id("hint")).to_contain_text("In-point")
    for _ in range(12):
        page.keyboard.press(".")
    out_frame = in_frame + 12
    expect(page.get_by_test_id("current-frame")).to_have_text(f"frame {out_frame}")
    assert abs(current_time(page) - (out_frame + 0.5) / float(fps)) < 1e-3
    page.keyboard.press("o")

    # Then one segment [in, out) is on their row and selected
    own_row = page.get_by_test_id("own-layer-row")
    expect(own_row.get_by_test_id("segment")).to_have_count(1)
    expect(page.get_by_test_id("au-panel")).to_be_visible()
    expect(page.get_by_test_id("save-state")).to_contain_text("Unsaved changes")

    # When they type 1, 2, C: AU12 at intensity C
    page.keyboard.press("1")
    page.keyboard.press("2")
    expect(page.get_by_test_id("pending-au")).to_contain_text("AU12")
    page.keyboard.press("c")
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("AU12C")
    expect(au_level(page, "AU12", "C")).to_be_checked()
    expect(own_row.get_by_test_id("segment")).to_contain_text("12C")

    # And save with Ctrl+S
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 1)")
    screenshot(page, "affect-workspace.png")

    # Then Mongo holds their layer with that segment and AU12 = 3
    layers = own_layers(team, video_id, "annotator")
    assert len(layers) == 1
    assert layers[0]["version"] == 1
    assert layers[0]["segments"] == [
        {
            "t0_ms": frame_ms(in_frame, fps),
            "t1_ms": frame_ms(out_frame, fps),
            "aus": {"AU12": 3},
            "emotion": None,
            "dimensions": {},
            "note": "",
        }
    ]


def test_stale_save_shows_conflict_and_overwrite_keeps_mine_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    segment = {"t0_ms": 0, "t1_ms": 500, "aus": {"AU6": 2}}
    layer = layers.create_layer(
        team.annotator, Role.ANNOTATOR, team.project, video_id, {"segments": [segment]}
    )

    # Given the annotator has their layer open
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/videos/{video_id}")
    own_row = page.get_by_test_id("own-layer-row")
    expect(own_row.get_by_test_id("segment")).to_have_count(1)

    # And a manager changes it meanwhile (version 2)
    layers.update_layer(
        team.manager,
        Role.MANAGER,
        team.project,
        video_id,
        layer["_id"],
        1,
        {"segments": [{**segment, "aus": {"AU6": 5}}]},
    )

    # When the annotator selects the segment, codes the same AU (AU6 C) and saves: the one
    # element both changed, so no three-way merge can take both
    own_row.get_by_test_id("segment").click()
    au_level(page, "AU6", "C").check()
    page.get_by_role("button", name="Save").click()

    # Then a conflict banner offers both ways out, and nothing of theirs was overwritten
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("manager saved this layer (version 2)")
    assert own_layers(team, video_id, "annotator")[0]["segments"][0]["aus"] == {"AU6": 5}
    expect(page.get_by_test_id("save-state")).to_contain_text("Unsaved changes")

    # When they overwrite with theirs
    conflict.get_by_role("button", name="Overwrite with mine").click()

    # Then their draft is stored on top of version 2
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 3)")
    expect(conflict).to_have_count(0)
    stored = own_layers(team, video_id, "annotator")[0]
    assert stored["version"] == 3
    assert stored["segments"][0]["aus"] == {"AU6": 3}


def add_two_coder_layers(team: Any, video: dict[str, Any]) -> None:
    """Two coders who mostly agree on AU12 and AU6 and traced valence/arousal."""
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = video["_id"]
    fps = float(Fraction(video["fps"]))
    frames = int(video["frame_count"])

    def trace(phase: float) -> dict[str, Any]:
        values = [round(math.sin(i / 40 + phase) * 0.8, 3) for i in range(frames)]
        return {"fps": fps, "values": values}

    for user, role, shift, phase in (
        (team.annotator, Role.ANNOTATOR, 0, 0.0),
        (team.manager, Role.MANAGER, 200, 0.3),
    ):
        layers.create_layer(
            user,
            role,
            team.project,
            video_id,
            {
                "segments": [
                    {"t0_ms": 1000 + shift, "t1_ms": 5000, "aus": {"AU12": 3, "AU6": 2}},
                    {"t0_ms": 8000, "t1_ms": 11000 - shift, "aus": {"AU4": 2}, "emotion": "anger"},
                ],
                "traces": {"valence": trace(phase), "arousal": trace(phase + 1.5)},
            },
        )


def test_agreement_page_charts_two_coders_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import agreement

    video_id = shared_video["_id"]

    # Given two coders who mostly agree on AU12 and AU6 and traced valence/arousal
    add_two_coder_layers(team, shared_video)

    # When a viewer opens the agreement page
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/projects/lezgi/videos/{video_id}/agreement")

    # Then the heatmap, the per-AU bars and both coders' traces are drawn
    heatmap = page.get_by_test_id("kappa-heatmap")
    expect(heatmap).to_be_visible()
    expect(page.get_by_test_id("kappa-AU12-0")).to_contain_text("0.")
    expect(page.get_by_test_id("kappa-legend")).to_be_visible()
    expect(page.get_by_test_id("agreement-bars")).to_be_visible()
    expect(page.get_by_test_id("trace-valence-annotator")).to_have_attribute("d", re.compile(r"^M"))
    expect(page.get_by_test_id("trace-arousal-manager")).to_have_attribute("d", re.compile(r"^M"))
    report = agreement.agreement(team.project, video_id)
    icc = report["dimensions"]["valence"]["icc_2_1"]
    expect(page.get_by_test_id("icc-valence")).to_have_text(f"{icc:.2f}")
    screenshot(page, "affect-agreement.png")


def test_project_agreement_page_pools_two_coders_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import agreement

    # Given a video with two coder layers
    add_two_coder_layers(team, shared_video)

    # When a viewer follows the video list's link to the project agreement page
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/projects/lezgi/videos")
    page.get_by_test_id("project-agreement-link").click()

    # Then it shows its heading and a pooled κ bar for AU12 with the server's value
    expect(page).to_have_url(re.compile(r"/projects/lezgi/agreement$"))
    expect(page.get_by_role("heading", name=re.compile("Project agreement"))).to_be_visible()
    report = agreement.project_agreement(team.project)
    kappa = report["pooled"]["kappa"][report["aus"].index("AU12")]
    assert kappa is not None
    bar = page.get_by_test_id("bar-AU12-0")
    expect(bar.locator("rect")).to_be_visible()
    expect(bar).to_contain_text(f"{kappa:.2f}")
    expect(page.get_by_test_id("project-agreement-videos")).to_contain_text(
        str(shared_video["filename"])
    )
    screenshot(page, "affect-project-agreement.png")


def test_annotator_drags_segment_nudges_it_and_records_valence_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect.model import frame_range
    from annotations.affect_api.services import layers

    video_id = shared_video["_id"]
    fps = Fraction(shared_video["fps"])
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/videos/{video_id}")
    page.wait_for_function("() => document.querySelector('[data-testid=video]')?.readyState >= 2")

    # When they drag across 20%..40% of their (empty) row
    track = page.get_by_test_id("own-layer-row").locator(".affect-tl-track")
    box = track.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=6)
    page.mouse.up()

    # Then a selected segment spans about that stretch of the video, snapped to frames
    expect(page.get_by_test_id("own-layer-row").get_by_test_id("segment")).to_have_count(1)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 1)")
    [layer] = own_layers(team, video_id, "annotator")
    [segment] = layer["segments"]
    duration = int(shared_video["duration_ms"])
    assert abs(segment["t0_ms"] - 0.2 * duration) < 0.02 * duration
    assert abs(segment["t1_ms"] - 0.4 * duration) < 0.02 * duration
    first, stop = frame_range(segment["t0_ms"], segment["t1_ms"], float(fps))
    assert (segment["t0_ms"], segment["t1_ms"]) == (frame_ms(first, fps), frame_ms(stop, fps))

    # When they press "]" and "[": the end one frame later, the start one frame earlier
    page.keyboard.press("]")
    page.keyboard.press("[")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 2)")
    [nudged] = own_layers(team, video_id, "annotator")[0]["segments"]
    assert (nudged["t0_ms"], nudged["t1_ms"]) == (frame_ms(first - 1, fps), frame_ms(stop + 1, fps))

    # When they hold V for a while as the video plays, with the mouse on the pad's upper right
    pad = page.get_by_test_id("affect-pad").bounding_box()
    assert pad is not None
    page.mouse.move(pad["x"] + pad["width"] * 0.75, pad["y"] + pad["height"] * 0.25)
    page.keyboard.press("Home")
    page.keyboard.press(" ")
    page.keyboard.down("v")
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime > 1.2")
    page.keyboard.up("v")
    page.keyboard.press(" ")
    expect(page.get_by_test_id("play")).to_have_text("Play")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 3)")

    # Then the stored layer has valence and arousal traces at the video's rate, about 0.5
    doc = own_layers(team, video_id, "annotator")[0]
    traces = layers.load_layer(team.project, doc).traces
    assert set(traces) == {"valence", "arousal"}
    valence = traces["valence"]
    assert valence.fps == float(fps)
    assert len(valence.values) == shared_video["frame_count"]
    coded = [v for v in valence.values.tolist() if v == v]
    assert len(coded) >= 20
    assert all(abs(v - 0.5) < 0.05 for v in coded)
    assert all(abs(v - 0.5) < 0.05 for v in traces["arousal"].values.tolist() if v == v)


def test_manager_uploads_the_shared_video_through_the_resumable_form(
    page: Any, live_server: Any, team: Any, mongo_db: Any, settings: Any, tmp_path: Path
) -> None:
    from annotations.affect_api.services.videos import list_videos

    settings.MEDIA_ROOT = tmp_path
    path = shared_file(FACE_VIDEO)
    log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/projects/lezgi/videos")

    page.get_by_label("Video file").set_input_files(str(path))
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_text(path.name).first).to_be_visible(timeout=30_000)
    videos = list(list_videos(team.project))
    assert len(videos) == 1
    assert videos[0]["size"] == path.stat().st_size
    assert round(videos[0]["duration_ms"] / 1000, 1) == 19.7
    assert not any((tmp_path / "uploads").rglob("*.part"))
