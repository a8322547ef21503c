"""Layer revert, and links from linguistic utterances to video time spans."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.affect_api.services import layers, links
from annotations.linguistic_api.documents import utterances
from tests.affect_api.conftest import error, mongo_state

V = "/api/v1/projects/lezgi/videos/v1"
LINKS = "/api/v1/projects/lezgi/affect/links/"


def seg(au: int) -> dict[str, Any]:
    return {"t0_ms": 0, "t1_ms": 500, "aus": {"AU12": au}}


@pytest.fixture
def layer(team: Any, video: Any) -> str:
    """The annotator's layer at version 3 (AU12 at 1, then 2, then 3)."""
    doc = layers.create_layer(
        team.annotator, "annotator", team.project, "v1", {"segments": [seg(1)]}
    )
    for version, au in ((1, 2), (2, 3)):
        layers.update_layer(
            team.annotator, "annotator", team.project, "v1", doc["_id"], version,
            {"segments": [seg(au)]},
        )  # fmt: skip
    return str(doc["_id"])


@pytest.mark.django_db
def test_revert_brings_back_an_old_version_as_a_new_one(
    team: Any, layer: str, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.annotator).post(
        f"{V}/layers/{layer}/revert/", {"to_version": 1, "version": 3}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["segments"][0]["aus"], body["updated_by"]) == (
        4,
        {"AU12": 1},
        "annotator",
    )
    assert response["ETag"] == '"4"'
    history = as_user(team.viewer).get(f"{V}/layers/{layer}/history/").json()
    assert [h["version"] for h in history] == [3, 2, 1]


@pytest.mark.django_db
def test_manager_may_revert_and_a_stale_version_is_a_409(
    team: Any, layer: str, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)
    before = mongo_state(mongo_db)

    stale = client.post(f"{V}/layers/{layer}/revert/", {"to_version": 1}, format="json",
                        HTTP_IF_MATCH='W/"2"')  # fmt: skip

    assert stale.status_code == 409
    assert error(stale)["current"]["version"] == 3
    assert mongo_state(mongo_db) == before
    ok = client.post(f"{V}/layers/{layer}/revert/", {"to_version": 2, "version": 3}, format="json")
    assert (ok.status_code, ok.json()["segments"][0]["aus"]) == (200, {"AU12": 2})


@pytest.mark.django_db
def test_another_annotator_may_not_revert_and_a_missing_version_is_a_400(
    team: Any, layer: str, as_user: Any, mongo_db: Any, make_user: Any
) -> None:
    from fieldmark.projects.models import Membership

    Membership.objects.create(project=team.project, user=make_user("bo"), role="annotator")
    other = as_user(type(team.owner).objects.get(username="bo"))
    before = mongo_state(mongo_db)

    denied = other.post(
        f"{V}/layers/{layer}/revert/", {"to_version": 1, "version": 3}, format="json"
    )
    missing = as_user(team.annotator).post(
        f"{V}/layers/{layer}/revert/", {"to_version": 9, "version": 3}, format="json"
    )

    assert denied.status_code == 403
    assert error(denied)["detail"] == (
        "This layer belongs to annotator; only they or a manager may change it."
    )
    assert missing.status_code == 400
    assert error(missing)["fields"] == {"to_version": ["This layer has no version 9."]}
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_one_version_of_a_layer_is_shown_to_members_only(
    team: Any, layer: str, as_user: Any, mongo_db: Any
) -> None:
    viewer = as_user(team.viewer)

    old = viewer.get(f"{V}/layers/{layer}/history/1/")
    current = viewer.get(f"{V}/layers/{layer}/history/3/")
    missing = viewer.get(f"{V}/layers/{layer}/history/9/")
    outsider = as_user(team.outsider).get(f"{V}/layers/{layer}/history/1/")

    assert old.status_code == 200, old.content
    assert (old.json()["version"], old.json()["segments"][0]["aus"]) == (1, {"AU12": 1})
    assert (current.json()["version"], current.json()["segments"][0]["aus"]) == (3, {"AU12": 3})
    assert missing.status_code == 404
    assert error(missing)["detail"] == "This layer has no version 9."
    assert outsider.status_code in (403, 404)
    assert "segments" not in outsider.json()


@pytest.fixture
def utterance(team: Any, mongo_db: Any) -> str:
    doc = utterances.insert(team.project.pk, {"_id": "u1", "text": "t1", "index": 0}, "owner")
    return str(doc["_id"])


@pytest.mark.django_db
def test_link_an_utterance_to_a_video_span_then_list_and_delete(
    team: Any, video: Any, utterance: str, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)

    created = client.post(
        LINKS, {"utterance": "u1", "video": "v1", "t0_ms": 200, "t1_ms": 900}, format="json"
    )

    assert created.status_code == 201, created.content
    link = created.json()
    assert {k: link[k] for k in ("utterance", "video", "t0_ms", "t1_ms", "note", "version",
                                 "created_by")} == {
        "utterance": "u1", "video": "v1", "t0_ms": 200, "t1_ms": 900, "note": "", "version": 1,
        "created_by": "annotator",
    }  # fmt: skip
    # The utterance's text comes along, so the UI can open the utterance in its text
    assert (link["text"], link["transcription"]) == ("t1", "")
    viewer = as_user(team.viewer)
    assert viewer.get(f"{V}/links/").json()[0]["text"] == "t1"
    assert [x["id"] for x in viewer.get(f"{V}/links/").json()] == [link["id"]]
    assert [x["id"] for x in viewer.get(f"{LINKS}?utterance=u1").json()] == [link["id"]]
    assert viewer.get(f"{LINKS}?utterance=u2").json() == []
    stale = client.delete(f"{LINKS}{link['id']}/?version=2")
    assert stale.status_code == 409
    assert mongo_db["affect_links"].count_documents({}) == 1
    gone = client.delete(f"{LINKS}{link['id']}/", HTTP_IF_MATCH='"1"')
    assert gone.status_code == 204
    assert mongo_db["affect_links"].count_documents({}) == 0
    assert viewer.get(f"{V}/links/").json() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"t1_ms": 1001}, "t1_ms", "t1_ms: t1 1001 ms is beyond the media duration 1000 ms"),
        ({"t0_ms": 500, "t1_ms": 500}, "t1_ms", "t1_ms: t1 500 ms must be after t0 500 ms"),
        ({"t0_ms": -1}, "t0_ms", "Ensure this value is greater than or equal to 0."),
        ({"utterance": "nope"}, "utterance", "No utterance with id nope."),
        ({"video": "nope"}, "video", "No video with id nope."),
    ],
)
def test_an_invalid_link_is_a_400_and_writes_nothing(
    team: Any, video: Any, utterance: str, as_user: Any, mongo_db: Any,
    body: dict[str, Any], field: str, detail: str,
) -> None:  # fmt: skip
    data = {"utterance": "u1", "video": "v1", "t0_ms": 0, "t1_ms": 1000, **body}

    response = as_user(team.annotator).post(LINKS, data, format="json")

    assert response.status_code == 400
    assert error(response)["fields"] == {field: [detail]}
    assert mongo_db["affect_links"].count_documents({}) == 0


@pytest.mark.django_db
def test_only_the_creator_or_a_manager_deletes_a_link(
    team: Any, video: Any, utterance: str, as_user: Any, mongo_db: Any
) -> None:
    link = links.create_link(
        team.owner, team.project, {"utterance": "u1", "video": "v1", "t0_ms": 0, "t1_ms": 10}
    )

    denied = as_user(team.annotator).delete(f"{LINKS}{link['_id']}/?version=1")

    assert denied.status_code == 403
    assert mongo_db["affect_links"].count_documents({}) == 1
    assert as_user(team.manager).delete(f"{LINKS}{link['_id']}/?version=1").status_code == 204
