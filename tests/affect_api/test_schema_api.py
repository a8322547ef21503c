"""The project's label schema: read, replace with a version check, history, and layer validation
against it."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.affect.schema import FACS_AUS
from tests.affect_api.conftest import error

SCHEMA = "/api/v1/projects/lezgi/affect/schema/"
LAYERS = "/api/v1/projects/lezgi/videos/v1/layers/"
FACS = [{"code": au.code, "name": au.name} for au in FACS_AUS]
EKMAN = ["neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise"]


def default_body(version: int = 1, **changes: Any) -> dict[str, Any]:
    body = {
        "version": version,
        "action_units": FACS,
        "emotions": {"preset": "ekman", "name": "ekman7", "categories": EKMAN},
        "dimensions": ["valence", "arousal"],
        "dimension_range": [-1.0, 1.0],
        "notes": True,
        "updated_at": None,
        "updated_by": None,
    }
    return {**body, **changes}


@pytest.mark.django_db
def test_a_project_without_a_schema_has_the_default_as_version_1(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.viewer).get(SCHEMA)

    assert response.status_code == 200
    assert response.json() == default_body()
    assert response["ETag"] == '"1"'
    assert mongo_db["affect_schemas"].count_documents({}) == 0


@pytest.mark.django_db
def test_manager_sets_a_custom_schema_and_history_keeps_the_default(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)
    body = {
        "version": 1,
        "action_units": [{"code": "AU6"}, {"code": "AU12"}, {"code": "AU50", "name": "Speech"}],
        "emotions": ["calm", "tense"],
        "dimensions": ["valence"],
        "notes": False,
    }

    response = client.put(SCHEMA, body, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2
    assert data["action_units"] == [
        {"code": "AU6", "name": "Cheek Raiser"},
        {"code": "AU12", "name": "Lip Corner Puller"},
        {"code": "AU50", "name": "Speech"},
    ]
    assert data["emotions"] == {
        "preset": "custom",
        "name": "custom",
        "categories": ["calm", "tense"],
    }
    assert (data["dimensions"], data["notes"], data["updated_by"]) == (
        ["valence"],
        False,
        "manager",
    )
    assert response["ETag"] == '"2"'
    history = client.get(f"{SCHEMA}history/").json()
    assert [(h["version"], h["op"], h["by"]) for h in history] == [(1, "update", "manager")]
    assert history[0]["changed"] == ["action_units", "dimensions", "emotions", "notes"]


@pytest.mark.django_db
def test_presets_are_selectable_by_name(team: Any, as_user: Any, mongo_db: Any) -> None:
    client = as_user(team.owner)

    response = client.put(SCHEMA, {"version": 1, "emotions": "affectnet"}, format="json")

    assert response.status_code == 200
    assert response.json()["emotions"] == {
        "preset": "affectnet",
        "name": "affectnet8",
        "categories": [
            "neutral",
            "happy",
            "sad",
            "surprise",
            "fear",
            "disgust",
            "anger",
            "contempt",
        ],
    }
    assert response.json()["action_units"] == FACS


@pytest.mark.django_db
def test_a_stale_schema_write_is_a_409_and_writes_nothing(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)
    assert (
        client.put(SCHEMA, {"version": 1, "emotions": "affectnet"}, format="json").status_code
        == 200
    )
    before = list(mongo_db["affect_schemas"].find())

    response = client.put(SCHEMA, {"emotions": "ekman"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    body = error(response)
    assert body["error"] == "version_conflict"
    assert body["current"]["version"] == 2
    assert body["current"]["emotions"]["preset"] == "affectnet"
    assert list(mongo_db["affect_schemas"].find()) == before


@pytest.mark.django_db
def test_a_stale_write_to_the_default_schema_is_a_409(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.manager).put(SCHEMA, {"version": 3}, format="json")

    assert response.status_code == 409
    assert error(response)["current"] == default_body()
    assert mongo_db["affect_schemas"].count_documents({}) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"emotions": "plutchik"}, "emotions",
         "emotions: 'plutchik' is not a preset (ekman, affectnet) or a list"),
        ({"emotions": ["a", "a"]}, "emotions", "emotions: category set 'custom' repeats a name"),
        ({"action_units": [{"code": "AU99"}]}, "action_units.0",
         "action_units.0: AU99 is not a FACS Action Unit: give it a name"),
        ({"action_units": [{"code": "smile"}]}, "action_units.0",
         "action_units.0: 'smile' is not an Action Unit code like 'AU12'"),
        ({"version": "abc"}, "version", "A valid integer is required."),
    ],
)  # fmt: skip
def test_an_invalid_schema_is_a_400_and_writes_nothing(
    team: Any, as_user: Any, mongo_db: Any, body: dict[str, Any], field: str, detail: str
) -> None:
    response = as_user(team.manager).put(SCHEMA, {"version": 1, **body}, format="json")

    assert response.status_code == 400
    assert error(response)["fields"] == {field: [detail]}
    assert mongo_db["affect_schemas"].count_documents({}) == 0


@pytest.mark.django_db
def test_layers_are_validated_against_the_project_schema(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    manager = as_user(team.manager)
    schema = {
        "version": 1,
        "action_units": [{"code": "AU6"}],
        "emotions": ["calm", "tense"],
        "notes": False,
    }
    assert manager.put(SCHEMA, schema, format="json").status_code == 200
    annotator = as_user(team.annotator)

    removed = annotator.post(
        LAYERS, {"segments": [{"t0_ms": 0, "t1_ms": 100, "aus": {"AU12": 2}}]}, format="json"
    )
    noted = annotator.post(
        LAYERS, {"segments": [{"t0_ms": 0, "t1_ms": 100, "note": "smiles"}]}, format="json"
    )
    ekman = annotator.post(
        LAYERS, {"segments": [{"t0_ms": 0, "t1_ms": 100, "emotion": "anger"}]}, format="json"
    )
    ok = annotator.post(
        LAYERS,
        {"segments": [{"t0_ms": 0, "t1_ms": 100, "aus": {"AU6": 1}, "emotion": "tense"}]},
        format="json",
    )

    assert error(removed)["fields"] == {
        "segments.0.aus.AU12": ["segments.0.aus.AU12: unknown Action Unit 'AU12' (schema v2)"]
    }
    assert error(noted)["fields"] == {
        "segments.0.note": ["segments.0.note: free notes are switched off in this schema"]
    }
    assert error(ekman)["fields"] == {
        "segments.0.emotion": ["segments.0.emotion: 'anger' is not in category set 'custom'"]
    }
    assert (removed.status_code, noted.status_code, ekman.status_code) == (400, 400, 400)
    assert ok.status_code == 201, ok.content
    assert ok.json()["schema_version"] == 2
    assert ok.json()["segments"][0]["emotion"] == "tense"
    assert mongo_db["affect_layers"].count_documents({}) == 1
