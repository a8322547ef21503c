"""Uploading, describing and streaming videos, with the roles that may do each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.affect import media
from annotations.affect_api.services.streaming import ByteRange, RangeNotSatisfiable, parse_range
from tests.affect_api.conftest import error, mongo_state
from tests.shared_data import shared_file

VIDEOS = "/api/v1/projects/lezgi/videos/"
FACE_VIDEO = "faces/WolfgangLanger_Pexels.mp4"


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(client: Any, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(VIDEOS, {"file": handle}, format="multipart")


@pytest.fixture
def uploaded_shared(team: Any, as_user: Any, mongo_db: Any, media_root: Path) -> dict[str, Any]:
    response = upload(as_user(team.manager), shared_file(FACE_VIDEO))
    assert response.status_code == 201, response.content
    return dict(response.json())


@pytest.mark.django_db
def test_upload_shared_video_is_probed_stored_and_described(
    team: Any, uploaded_shared: dict[str, Any], media_root: Path, as_user: Any
) -> None:
    source = shared_file(FACE_VIDEO)
    info = media.probe(source)
    video_id = uploaded_shared["id"]

    assert uploaded_shared["filename"] == "WolfgangLanger_Pexels.mp4"
    assert uploaded_shared["size"] == source.stat().st_size
    assert uploaded_shared["duration_ms"] == info.duration_ms
    assert uploaded_shared["fps"] == f"{info.fps.numerator}/{info.fps.denominator}"
    assert uploaded_shared["frame_count"] == info.frame_count
    assert (uploaded_shared["width"], uploaded_shared["height"]) == (info.width, info.height)
    assert uploaded_shared["video_codec"] == info.video_codec
    assert uploaded_shared["needs_transcode"] is media.needs_transcode(info)
    assert uploaded_shared["content_type"] == "video/mp4"
    assert uploaded_shared["version"] == 1
    assert uploaded_shared["created_by"] == "manager"
    pid = team.project.pk
    assert stored_files(media_root) == [
        f"videos/{pid}/{video_id}/poster.jpg",
        f"videos/{pid}/{video_id}/source.mp4",
    ]
    viewer = as_user(team.viewer)
    assert viewer.get(VIDEOS).json() == [uploaded_shared]
    assert viewer.get(f"{VIDEOS}{video_id}/").json() == uploaded_shared


@pytest.mark.django_db
def test_stream_shared_video_whole_and_by_range(
    team: Any, uploaded_shared: dict[str, Any], as_user: Any
) -> None:
    data = shared_file(FACE_VIDEO).read_bytes()
    url = f"{VIDEOS}{uploaded_shared['id']}/stream"
    viewer = as_user(team.viewer)

    whole = viewer.get(url)
    first = viewer.get(url, HTTP_RANGE="bytes=0-99")
    middle = viewer.get(url, HTTP_RANGE="bytes=1000-")
    suffix = viewer.get(url, HTTP_RANGE="bytes=-500", HTTP_ACCEPT="video/*")
    beyond = viewer.get(url, HTTP_RANGE=f"bytes={len(data)}-")

    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == data
    assert first.status_code == 206
    assert first["Content-Range"] == f"bytes 0-99/{len(data)}"
    assert first["Content-Length"] == "100"
    assert b"".join(first.streaming_content) == data[:100]
    assert middle.status_code == 206
    assert middle["Content-Range"] == f"bytes 1000-{len(data) - 1}/{len(data)}"
    assert b"".join(middle.streaming_content) == data[1000:]
    assert suffix.status_code == 206
    assert b"".join(suffix.streaming_content) == data[-500:]
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    assert error(beyond)["error"] == "range_not_satisfiable"


@pytest.mark.django_db
def test_poster_of_shared_video_is_a_jpeg(
    team: Any, uploaded_shared: dict[str, Any], as_user: Any
) -> None:
    response = as_user(team.viewer).get(f"{VIDEOS}{uploaded_shared['id']}/poster.jpg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


@pytest.mark.django_db
def test_outsider_and_anonymous_cannot_see_shared_video_or_stream(
    team: Any, uploaded_shared: dict[str, Any], as_user: Any
) -> None:
    base = f"{VIDEOS}{uploaded_shared['id']}"
    for path in (VIDEOS, f"{base}/", f"{base}/stream", f"{base}/poster.jpg"):
        outsider = as_user(team.outsider).get(path, HTTP_RANGE="bytes=0-9")
        anonymous = as_user(None).get(path)
        assert (outsider.status_code, anonymous.status_code) == (404, 401), path
        assert error(outsider)["error"] == "not_found"


@pytest.mark.django_db
def test_unreadable_media_is_refused_with_the_reason_but_no_server_path(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    garbage = SimpleUploadedFile("clip.mp4", b"garbage" * 100, "video/mp4")

    response = as_user(team.manager).post(VIDEOS, {"file": garbage}, format="multipart")

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == "invalid_media"
    # FFmpeg's own message ends with the absolute path of the stored file: it is left out.
    assert body["detail"] == (
        "clip.mp4: not a readable media file (Invalid data found when processing input)"
    )
    assert str(media_root) not in response.content.decode()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_text_file_is_rejected_naming_file_and_nothing_is_stored(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    text = SimpleUploadedFile("notes.txt", b"not a video at all\n" * 50, "text/plain")

    response = as_user(team.manager).post(VIDEOS, {"file": text}, format="multipart")

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == "invalid_media"
    assert list(body["fields"]) == ["file"]
    assert "notes.txt" in body["detail"]
    assert stored_files(media_root) == []
    assert mongo_db["videos"].count_documents({}) == 0


@pytest.mark.django_db
def test_upload_without_file_names_file(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.manager).post(VIDEOS, {}, format="multipart")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["file"]


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_read(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    text = SimpleUploadedFile("big.mp4", b"x" * 10, "video/mp4")

    response = as_user(team.manager).post(
        VIDEOS, {"file": text}, format="multipart", CONTENT_LENGTH=str(3 * 1024**3)
    )

    assert response.status_code == 413
    assert list(error(response)["fields"]) == ["file"]
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("annotator", 403), ("viewer", 403), ("outsider", 404), (None, 401)]
)
def test_only_managers_upload_shared_video_and_a_refusal_stores_nothing(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path, role: str | None, status: int
) -> None:
    before = mongo_state(mongo_db)

    response = upload(as_user(team.users[role] if role else None), shared_file(FACE_VIDEO))

    assert response.status_code == status
    assert mongo_state(mongo_db) == before
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_unknown_video_is_404(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.viewer).get(f"{VIDEOS}nope/stream")

    assert response.status_code == 404
    assert error(response)["error"] == "not_found"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", ByteRange(0, 1)),
        ("bytes=10-19", ByteRange(10, 20)),
        ("bytes=90-500", ByteRange(90, 100)),
        ("bytes=95-", ByteRange(95, 100)),
        ("bytes=-10", ByteRange(90, 100)),
        ("bytes=-500", ByteRange(0, 100)),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=500-600", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)
