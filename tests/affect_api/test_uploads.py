"""Resumable chunked uploads (docs/api-uploads.md): announce, send chunks at the right offset,
resume after a wrong one, finish into a video exactly like a direct upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.affect_api.conftest import error, mongo_state
from tests.affect_api.test_videos import FACE_VIDEO, stored_files, upload
from tests.shared_data import shared_file

UPLOADS = "/api/v1/projects/lezgi/uploads/"
CHUNK = "application/offset+octet-stream"


def announce(client: Any, filename: str, size: int) -> Any:
    return client.post(UPLOADS, {"filename": filename, "size": size}, format="json")


def send(client: Any, upload_id: str, offset: int, data: bytes) -> Any:
    return client.put(
        f"{UPLOADS}{upload_id}", data, content_type=CHUNK, HTTP_UPLOAD_OFFSET=str(offset)
    )


def upload_state(db: Any) -> list[Any]:
    return list(db["affect_uploads"].find({}, sort=[("_id", 1)]))


@pytest.mark.django_db
def test_shared_video_in_chunks_with_a_wrong_offset_and_a_resume(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    data = shared_file(FACE_VIDEO).read_bytes()
    third = len(data) // 3
    client = as_user(team.manager)

    created = announce(client, "WolfgangLanger_Pexels.mp4", len(data))
    upload_id = created.json()["id"]
    first = send(client, upload_id, 0, data[:third])
    wrong = send(client, upload_id, 2 * third, data[2 * third :])
    state = client.get(f"{UPLOADS}{upload_id}")
    second = send(client, upload_id, state.json()["offset"], data[third : 2 * third])
    early = client.post(f"{UPLOADS}{upload_id}/finish")
    last = send(client, upload_id, 2 * third, data[2 * third :])
    finished = client.post(f"{UPLOADS}{upload_id}/finish")

    assert created.status_code == 201
    assert created.json()["offset"] == 0
    assert created.json()["size"] == len(data)
    assert created.json()["filename"] == "WolfgangLanger_Pexels.mp4"
    assert created["Upload-Offset"] == "0"
    assert (first.status_code, first.json()["offset"], first["Upload-Offset"]) == (
        200,
        third,
        str(third),
    )
    assert wrong.status_code == 409
    assert error(wrong)["error"] == "offset_mismatch"
    assert wrong.json()["offset"] == third
    assert list(error(wrong)["fields"]) == ["Upload-Offset"]
    assert (state.status_code, state.json()["offset"]) == (200, third)
    assert second.json()["offset"] == 2 * third
    assert early.status_code == 400
    assert error(early)["error"] == "incomplete_upload"
    assert list(error(early)["fields"]) == ["file"]
    assert early.json()["offset"] == 2 * third
    assert last.json()["offset"] == len(data)
    assert finished.status_code == 201, finished.content
    video = finished.json()
    assert video["filename"] == "WolfgangLanger_Pexels.mp4"
    assert video["size"] == len(data)
    assert video["needs_transcode"] is False
    assert video["transcode_job"] is None
    assert video["created_by"] == "manager"
    pid = team.project.pk
    assert stored_files(media_root) == [
        f"videos/{pid}/{video['id']}/poster.jpg",
        f"videos/{pid}/{video['id']}/source.mp4",
    ]
    assert (media_root / f"videos/{pid}/{video['id']}/source.mp4").read_bytes() == data
    assert upload_state(mongo_db) == []
    assert client.get(f"{UPLOADS}{upload_id}").status_code == 404


@pytest.mark.django_db
def test_chunked_and_direct_uploads_describe_the_video_alike(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    data = shared_file(FACE_VIDEO).read_bytes()
    client = as_user(team.manager)
    upload_id = announce(client, "WolfgangLanger_Pexels.mp4", len(data)).json()["id"]
    send(client, upload_id, 0, data)

    chunked = client.post(f"{UPLOADS}{upload_id}/finish").json()
    direct = upload(client, shared_file(FACE_VIDEO)).json()

    own = {"id", "created_at", "updated_at"}
    assert {k: v for k, v in chunked.items() if k not in own} == {
        k: v for k, v in direct.items() if k not in own
    }


@pytest.mark.django_db
def test_complete_but_truncated_file_is_400_naming_file_and_creates_nothing(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    data = shared_file(FACE_VIDEO).read_bytes()
    half = data[: len(data) // 2]
    client = as_user(team.manager)
    upload_id = announce(client, "cut.mp4", len(half)).json()["id"]
    send(client, upload_id, 0, half)
    before = mongo_state(mongo_db)

    response = client.post(f"{UPLOADS}{upload_id}/finish")

    assert response.status_code == 400
    body = error(response)
    assert body["error"] == "invalid_media"
    assert list(body["fields"]) == ["file"]
    assert body["detail"] == "cut.mp4: the file is truncated (no video data in its last seconds)"
    assert mongo_state(mongo_db) == before
    assert mongo_db["videos"].count_documents({}) == 0
    assert stored_files(media_root) == []
    assert upload_state(mongo_db) == []


@pytest.mark.django_db
def test_a_text_file_uploaded_in_chunks_is_not_a_video(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    text = b"not a video at all\n" * 50
    client = as_user(team.manager)
    upload_id = announce(client, "notes.txt", len(text)).json()["id"]
    send(client, upload_id, 0, text)

    response = client.post(f"{UPLOADS}{upload_id}/finish")

    assert response.status_code == 400
    assert error(response)["detail"] == "notes.txt: not a video file (tty)"
    assert mongo_db["videos"].count_documents({}) == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_size_limit_and_chunks_beyond_the_announced_size(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    client = as_user(team.manager)

    huge = announce(client, "huge.mp4", 4 * 1024**3 + 1)
    upload_id = announce(client, "small.mp4", 10).json()["id"]
    beyond = send(client, upload_id, 0, b"x" * 11)
    no_offset = client.put(f"{UPLOADS}{upload_id}", b"x", content_type=CHUNK)
    state = client.get(f"{UPLOADS}{upload_id}").json()

    assert huge.status_code == 413
    assert list(error(huge)["fields"]) == ["size"]
    assert beyond.status_code == 413
    assert error(beyond)["error"] == "too_large"
    assert no_offset.status_code == 400
    assert list(error(no_offset)["fields"]) == ["Upload-Offset"]
    assert state["offset"] == 0
    assert len(upload_state(mongo_db)) == 1
    assert stored_files(media_root) == [f"uploads/{team.project.pk}/{upload_id}.part"]


@pytest.mark.django_db
def test_cancelled_upload_is_gone(team: Any, as_user: Any, mongo_db: Any, media_root: Path) -> None:
    client = as_user(team.manager)
    upload_id = announce(client, "clip.mp4", 10).json()["id"]
    send(client, upload_id, 0, b"12345")

    deleted = client.delete(f"{UPLOADS}{upload_id}")

    assert deleted.status_code == 204
    assert client.get(f"{UPLOADS}{upload_id}").status_code == 404
    assert upload_state(mongo_db) == []
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_an_upload_of_another_project_is_not_found(
    team: Any, as_user: Any, mongo_db: Any, media_root: Path, make_user: Any
) -> None:
    from fieldmark.projects import services

    other = make_user("other")
    services.create_project(other, {"name": "Other", "slug": "other"})
    upload_id = announce(as_user(team.manager), "clip.mp4", 10).json()["id"]

    response = as_user(other).get(f"/api/v1/projects/other/uploads/{upload_id}")

    assert response.status_code == 404
    assert error(response)["error"] == "not_found"
