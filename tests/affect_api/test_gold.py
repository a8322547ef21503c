"""Adjudication: a manager builds (then rebuilds) a gold layer by majority vote or by coder."""

from __future__ import annotations

from typing import Any

import pytest

from tests.affect_api.conftest import error, mongo_state

VIDEO = "/api/v1/projects/lezgi/videos/v1"
GOLD = f"{VIDEO}/gold/"


def seg(t0: int, t1: int, **fields: Any) -> dict[str, Any]:
    return {"t0_ms": t0, "t1_ms": t1, "aus": {}, "emotion": None, "dimensions": {}, "note": "",
            **fields}  # fmt: skip


@pytest.fixture
def coded(team: Any, video: Any, as_user: Any) -> dict[str, str]:
    """Three coders of AU12 on a 1 s, 10 fps video."""
    layers = {
        "annotator": [seg(0, 500, aus={"AU12": 3}, emotion="happiness")],
        "manager": [seg(0, 300, aus={"AU12": 3}), seg(300, 500, aus={"AU12": 2})],
        "owner": [seg(0, 500, aus={"AU12": 2})],
    }
    ids = {}
    for name, segments in layers.items():
        response = as_user(team.users[name]).post(
            f"{VIDEO}/layers/", {"segments": segments}, format="json"
        )
        assert response.status_code == 201
        ids[name] = response.json()["id"]
    return ids


@pytest.mark.django_db
def test_majority_vote_builds_an_editable_gold_layer(
    team: Any, coded: dict[str, str], as_user: Any
) -> None:
    client = as_user(team.manager)

    built = client.post(GOLD, {"method": "majority"}, format="json")
    layer = built.json()
    edited = client.put(
        f"{VIDEO}/layers/{layer['id']}/",
        {"version": 1, "segments": [seg(0, 500, aus={"AU12": 3})]},
        format="json",
    )

    assert built.status_code == 201, built.content
    assert (layer["annotator"], layer["kind"], layer["version"]) == ("manager", "gold", 1)
    assert layer["segments"] == [
        seg(0, 300, aus={"AU12": 3}),
        seg(0, 500, emotion="happiness"),
        seg(300, 500, aus={"AU12": 2}),
    ]
    assert edited.status_code == 200
    assert edited.json()["version"] == 2


@pytest.mark.django_db
def test_rebuild_is_a_new_version_and_a_stale_version_is_409(
    team: Any, coded: dict[str, str], as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)
    first = client.post(GOLD, {"method": "majority"}, format="json").json()

    again = client.post(GOLD, {"method": "majority", "tie_break": "owner", "version": 1},
                        format="json")  # fmt: skip
    before = mongo_state(mongo_db)
    stale = client.post(GOLD, {"method": "majority", "version": 1}, format="json")

    assert again.status_code == 200
    assert (again.json()["id"], again.json()["version"]) == (first["id"], 2)
    assert stale.status_code == 409
    assert error(stale)["error"] == "version_conflict"
    assert stale.json()["current"] == again.json()
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_by_coder_takes_each_range_from_the_chosen_coder(
    team: Any, coded: dict[str, str], as_user: Any
) -> None:
    body = {
        "method": "coder",
        "assignments": [
            {"t0_ms": 0, "t1_ms": 200, "annotator": "owner"},
            {"t0_ms": 200, "t1_ms": 1000, "annotator": "annotator"},
        ],
    }

    response = as_user(team.owner).post(GOLD, body, format="json")

    assert response.status_code == 201
    assert response.json()["annotator"] == "owner"
    assert response.json()["segments"] == [
        seg(0, 200, aus={"AU12": 2}),
        seg(200, 500, aus={"AU12": 3}, emotion="happiness"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "majority", "tie_break": "nobody"}, "tie_break"),
        ({"method": "coder"}, "assignments"),
        ({"method": "coder", "assignments": [{"t0_ms": 0, "t1_ms": 100, "annotator": "x"}]},
         "assignments.0.annotator"),
        ({"method": "vote"}, "method"),
    ],
)  # fmt: skip
def test_bad_requests_name_the_field_and_write_nothing(
    team: Any, coded: dict[str, str], as_user: Any, mongo_db: Any, body: Any, field: str
) -> None:
    before = mongo_state(mongo_db)

    response = as_user(team.manager).post(GOLD, body, format="json")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == [field]
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_no_coder_layers_is_400(team: Any, video: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.manager).post(GOLD, {"method": "majority"}, format="json")

    assert response.status_code == 400
    assert error(response)["detail"] == "This video has no coder layers to adjudicate."
