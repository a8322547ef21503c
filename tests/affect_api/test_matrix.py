"""Every affect endpoint × every role (owner, manager, annotator, viewer, outsider, anonymous).

An allowed call gets its exact success status; a denied one gets 401/403/404 in the one error
shape and changes nothing in Mongo, SQL (jobs) or on disk. (The endpoints need a video, layers
and an upload to exist, so they have their own world rather than rows in the platform matrix.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.affect.media import transcode_h264
from annotations.affect_api import documents
from annotations.affect_api.services import layers, links, uploads
from annotations.linguistic_api.documents import utterances
from fieldmark.jobs.models import Job
from tests.affect.test_media import make_clip
from tests.affect_api.conftest import mongo_state
from tests.affect_api.test_videos import stored_files

ALL = ("owner", "manager", "annotator", "viewer", "outsider", "anonymous")
P = "/api/v1/projects/lezgi"
V = f"{P}/videos/v1"
A = f"{P}/affect"
SEGMENT = {"t0_ms": 0, "t1_ms": 500, "aus": {"AU12": 3}}
MACHINE_EVENT = {"au": "AU12", "onset_ms": 0, "apex_ms": 100, "offset_ms": 300, "intensity": 2}


@pytest.fixture(scope="session")
def h264_clip(tmp_path_factory: Any) -> bytes:
    folder = tmp_path_factory.mktemp("matrix")
    transcode_h264(make_clip(folder / "c.avi", "mpeg4"), folder / "c.mp4")
    return bytes((folder / "c.mp4").read_bytes())


@pytest.fixture
def world(
    team: Any, video: Any, media_root: Path, mongo_db: Any, h264_clip: bytes
) -> dict[str, Any]:
    """A stored video file and poster, the annotator's layer and an outside coder's, one
    chunked upload missing its last byte, an utterance and the annotator's link to it."""
    (media_root / "videos/none").mkdir(parents=True)
    (media_root / "videos/none/source.mp4").write_bytes(h264_clip)
    (media_root / "videos/none/poster.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    mongo_db["videos"].update_one({"_id": "v1"}, {"$set": {"size": len(h264_clip)}})
    layer = layers.create_layer(
        team.annotator, "annotator", team.project, "v1", {"segments": [SEGMENT]}
    )
    documents.layers.insert(
        team.project.pk,
        {"_id": "extern", "layer_id": "extern", "video_id": "v1", "annotator": "extern",
         "kind": "coder", "schema_version": 1, "segments": [SEGMENT], "events": [],
         "trace_tracks": []},
        "owner",
    )  # fmt: skip
    documents.layers.insert(
        team.project.pk,
        {"_id": "machine", "layer_id": "machine", "video_id": "v1",
         "annotator": "machine:face-1", "kind": "model", "schema_version": 1, "segments": [],
         "events": [MACHINE_EVENT], "trace_tracks": [],
         "model": {"name": "face-1", "event_probability": [0.9]}},
        "owner",
    )  # fmt: skip
    state = uploads.create_upload(team.manager, team.project, "c.mp4", len(h264_clip))
    path = media_root / f"uploads/{team.project.pk}/{state['id']}.part"
    path.write_bytes(h264_clip[:-1])
    utterances.insert(team.project.pk, {"_id": "u1", "text": "t1", "index": 0}, "owner")
    link = links.create_link(
        team.annotator, team.project, {"utterance": "u1", "video": "v1", "t0_ms": 0, "t1_ms": 500}
    )
    return {"team": team, "layer": layer["_id"], "upload": state["id"], "clip": h264_clip,
            "link": link["_id"]}  # fmt: skip


Call = Callable[[Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Case:
    name: str
    call: Call
    allowed: dict[str, int]

    def __str__(self) -> str:
        return self.name


def members_ok(status: int) -> dict[str, int]:
    return {role: status for role in ("owner", "manager", "annotator", "viewer")}


def editors_ok(status: int) -> dict[str, int]:
    return {role: status for role in ("owner", "manager", "annotator")}


def managers_ok(status: int) -> dict[str, int]:
    return {"owner": status, "manager": status}


def get(path: str) -> Call:
    return lambda client, w: client.get(path.format(**w))


def post_video(client: Any, w: dict[str, Any]) -> Any:
    clip = SimpleUploadedFile("c.mp4", w["clip"], "video/mp4")
    return client.post(f"{P}/videos/", {"file": clip}, format="multipart")


def post_import(client: Any, w: dict[str, Any]) -> Any:
    csv = SimpleUploadedFile("a.csv", b"annotator,t0_ms,t1_ms,AU12\nana,0,300,2\n")
    return client.post(f"{V}/imports/", {"file": csv, "format": "csv"}, format="multipart")


def put_chunk(client: Any, w: dict[str, Any]) -> Any:
    return client.put(
        f"{P}/uploads/{w['upload']}",
        w["clip"][-1:],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(len(w["clip"]) - 1),
    )


def finish(client: Any, w: dict[str, Any]) -> Any:
    put_chunk(client, w)
    return client.post(f"{P}/uploads/{w['upload']}/finish")


CASES = [
    Case("GET videos", get(f"{P}/videos/"), members_ok(200)),
    Case("POST videos", post_video, managers_ok(201)),
    Case("GET video", get(f"{V}/"), members_ok(200)),
    Case("GET stream", get(f"{V}/stream"), members_ok(200)),
    Case("GET poster", get(f"{V}/poster.jpg"), members_ok(200)),
    Case("GET layers", get(f"{V}/layers/"), members_ok(200)),
    Case(
        "POST layers",
        lambda c, w: c.post(f"{V}/layers/", {"segments": [SEGMENT]}, format="json"),
        {"owner": 201, "manager": 201, "annotator": 409},
    ),
    Case("GET layer", get(V + "/layers/{layer}/"), members_ok(200)),
    Case(
        "PUT layer",
        lambda c, w: c.put(f"{V}/layers/{w['layer']}/", {"version": 1}, format="json"),
        editors_ok(200),
    ),
    Case("GET history", get(V + "/layers/{layer}/history/"), members_ok(200)),
    Case("GET layer version", get(V + "/layers/{layer}/history/1/"), members_ok(200)),
    Case("GET agreement", get(f"{V}/agreement/"), members_ok(200)),
    Case("GET export", get(f"{V}/export?format=json"), members_ok(200)),
    Case("POST imports", post_import, managers_ok(201)),
    Case(
        "POST gold",
        lambda c, w: c.post(f"{V}/gold/", {"method": "majority"}, format="json"),
        managers_ok(201),
    ),
    Case(
        "POST uploads",
        lambda c, w: c.post(f"{P}/uploads/", {"filename": "a.mp4", "size": 9}, format="json"),
        managers_ok(201),
    ),
    Case("GET upload", get(P + "/uploads/{upload}"), managers_ok(200)),
    Case("PUT upload", put_chunk, managers_ok(200)),
    Case("DELETE upload", lambda c, w: c.delete(f"{P}/uploads/{w['upload']}"), managers_ok(204)),
    Case(
        "POST upload finish",
        finish,
        managers_ok(201),
    ),
    Case(
        "POST layer revert",
        lambda c, w: c.post(
            f"{V}/layers/{w['layer']}/revert/", {"to_version": 1, "version": 1}, format="json"
        ),
        editors_ok(200),
    ),
    Case("GET schema", get(f"{A}/schema/"), members_ok(200)),
    Case(
        "PUT schema",
        lambda c, w: c.put(f"{A}/schema/", {"version": 1, "emotions": "affectnet"}, format="json"),
        managers_ok(200),
    ),
    Case("GET schema history", get(f"{A}/schema/history/"), members_ok(200)),
    Case("GET project agreement", get(f"{A}/agreement/"), members_ok(200)),
    Case("GET links", get(f"{A}/links/"), members_ok(200)),
    Case(
        "POST links",
        lambda c, w: c.post(
            f"{A}/links/", {"utterance": "u1", "video": "v1", "t0_ms": 0, "t1_ms": 9}, format="json"
        ),
        editors_ok(201),
    ),
    Case(
        "DELETE link",
        lambda c, w: c.delete(f"{A}/links/{w['link']}/?version=1"),
        editors_ok(204),
    ),
    Case("GET video links", get(f"{V}/links/"), members_ok(200)),
    Case("GET thumbnails", get(f"{V}/thumbnails/?count=2"), members_ok(200)),
    Case("GET thumbnail", get(f"{V}/thumbnails/1.jpg?count=2"), members_ok(200)),
    Case("GET face models", get(f"{A}/face/models/"), members_ok(200)),
    # The world has two labelled seconds, fewer than the registry's minimum for a run: refused
    # by rule (400), after the role check.
    Case(
        "POST face train",
        lambda c, w: c.post(f"{A}/face/train/", {"source": "annotator"}, format="json"),
        managers_ok(400),
    ),
    Case(
        "POST face code",
        lambda c, w: c.post(f"{V}/face/code/", {}, format="json"),
        managers_ok(202),
    ),
    Case(
        "POST face code batch",
        lambda c, w: c.post(f"{A}/face/code/", {"videos": ["v1"]}, format="json"),
        managers_ok(202),
    ),
    Case("GET face tracks", get(f"{V}/face/tracks/?t0_ms=0&t1_ms=500"), members_ok(200)),
    Case("GET face suggestions", get(f"{V}/face/suggestions/"), members_ok(200)),
    Case(
        "POST face suggestion decision",
        lambda c, w: c.post(
            f"{V}/face/suggestions/",
            {"layer": "machine", "key": "AU12@0-300", "decision": "accept"},
            format="json",
        ),
        editors_ok(200),
    ),
]


def snapshot(db: Any, root: Path) -> tuple[Any, ...]:
    uploads = list(db["affect_uploads"].find({}, sort=[("_id", 1)]))
    return mongo_state(db), uploads, Job.objects.count(), stored_files(root)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_role_matrix(
    case: Case, role: str, world: dict[str, Any], as_user: Any, mongo_db: Any, media_root: Path
) -> None:
    team = world["team"]
    client = as_user(None if role == "anonymous" else team.users[role])
    before = snapshot(mongo_db, media_root)

    response = case.call(client, world)

    if role in case.allowed:
        assert response.status_code == case.allowed[role], response.content
        return
    expected = 401 if role == "anonymous" else 404 if role == "outsider" else 403
    assert response.status_code == expected, response.content
    assert set(response.json()) >= {"error", "detail", "fields"}
    assert snapshot(mongo_db, media_root) == before


def test_every_affect_route_is_in_the_matrix() -> None:
    from annotations.affect_api import urls

    routes = {p.name for p in urls.urlpatterns}
    assert len(routes) == 30
    assert len(CASES) == 38
