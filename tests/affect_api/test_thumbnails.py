"""Scrub-bar thumbnails: made on first request, cached under the video's storage folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.affect.test_media import make_clip
from tests.affect_api.conftest import error
from tests.affect_api.test_videos import stored_files

V = "/api/v1/projects/lezgi/videos/v1"


@pytest.fixture
def clip(video: Any, media_root: Path, tmp_path: Path) -> Path:
    """The fixture video's file: 25 frames at 25 fps (1 s)."""
    folder = media_root / "videos/none"
    folder.mkdir(parents=True)
    make_clip(tmp_path / "c.avi", "mpeg4").rename(folder / "source.mp4")
    return folder


@pytest.mark.django_db
def test_thumbnails_are_made_once_and_served(
    team: Any, clip: Path, as_user: Any, media_root: Path, mongo_db: Any
) -> None:
    client = as_user(team.viewer)

    response = client.get(f"{V}/thumbnails/?count=4")

    assert response.status_code == 200, response.content
    assert response.json() == {"count": 4, "times": [0.125, 0.375, 0.625, 0.875]}
    cached = [f"videos/none/thumbnails/4/{name}" for name in
              ("0.jpg", "1.jpg", "2.jpg", "3.jpg", "times.json")]  # fmt: skip
    assert stored_files(media_root) == sorted(["videos/none/source.mp4", *cached])
    made = (media_root / "videos/none/thumbnails/4/2.jpg").stat().st_mtime_ns
    again = client.get(f"{V}/thumbnails/?count=4")
    assert again.json() == response.json()
    image = client.get(f"{V}/thumbnails/2.jpg?count=4")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    data = b"".join(image.streaming_content)
    assert data == (media_root / "videos/none/thumbnails/4/2.jpg").read_bytes()
    assert data[:2] == b"\xff\xd8"
    assert (media_root / "videos/none/thumbnails/4/2.jpg").stat().st_mtime_ns == made


@pytest.mark.django_db
def test_an_image_is_made_on_first_request_too(
    team: Any, clip: Path, as_user: Any, media_root: Path, mongo_db: Any
) -> None:
    response = as_user(team.viewer).get(f"{V}/thumbnails/0.jpg?count=1")

    assert response.status_code == 200
    assert (media_root / "videos/none/thumbnails/1/times.json").read_text() == "[0.5]"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "fields"),
    [
        ("thumbnails/?count=0", 400, {"count": ["count must be between 1 and 50, got 0."]}),
        ("thumbnails/?count=51", 400, {"count": ["count must be between 1 and 50, got 51."]}),
        ("thumbnails/?count=x", 400, {"count": ["count must be an integer, got 'x'."]}),
        ("thumbnails/3.jpg?count=3", 404, {}),
    ],
)
def test_a_bad_count_or_index_makes_nothing(
    team: Any, clip: Path, as_user: Any, media_root: Path, mongo_db: Any,
    path: str, status: int, fields: dict[str, Any],
) -> None:  # fmt: skip
    response = as_user(team.viewer).get(f"{V}/{path}")

    assert response.status_code == status
    assert error(response)["fields"] == fields
    assert stored_files(media_root) == ["videos/none/source.mp4"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["²", "٣", "9" * 5000])
def test_odd_digits_in_count_are_a_400(team: Any, clip: Path, as_user: Any, count: str) -> None:
    response = as_user(team.viewer).get(f"{V}/thumbnails/", {"count": count})

    assert response.status_code == 400
    assert error(response)["fields"] == {"count": [f"count must be an integer, got {count!r}."]}


@pytest.mark.django_db
def test_thumbnails_of_a_video_that_probes_but_does_not_decode_are_a_400(
    team: Any, clip: Path, as_user: Any, media_root: Path, mongo_db: Any
) -> None:
    source = clip / "source.mp4"
    data = bytearray(source.read_bytes())
    start = len(data) * 7 // 10
    data[start : len(data) - 200] = bytes(len(data) - 200 - start)  # overwrite late packets
    source.write_bytes(bytes(data))

    response = as_user(team.viewer).get(f"{V}/thumbnails/?count=4")

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == "invalid_media"
    assert body["detail"].startswith("source.mp4: the video data cannot be decoded")
    assert str(media_root) not in body["detail"]
    assert stored_files(media_root) == ["videos/none/source.mp4"]
