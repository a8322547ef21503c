"""Glossing aids: the Leipzig list, unknown-gram warnings and gloss consistency, for viewers."""

from __future__ import annotations

import io
from typing import Any

import pytest

from annotations.linguistic.leipzig import LEIPZIG_ABBREVIATIONS
from annotations.linguistic_api import documents, services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
TOOLBOX = (
    "\\t икьрарар сад\n\\m икьрар-ар сад\n\\g agreement-PL one\n\\l the decisions are one\n\n"
    "\\t фена зун\n\\m фе-на зун\n\\g go-AOR 1SG.ABS\n\\l I went\n\n"
    "\\t сад\n\\m сад\n\\g alone\n\\l alone\n\n"
).encode()


def load(team: Any) -> list[dict[str, Any]]:
    services.import_file(
        team.project, lambda: io.BytesIO(TOOLBOX), "toolbox", "lez.txt", "job-1", "manager"
    )
    return list(documents.utterances.collection.find({}, sort=[("order", 1)]))


def test_leipzig_list_is_every_abbreviation_sorted(team: Any, as_user: Any) -> None:
    response = as_user(team.viewer).get(f"{BASE}/glossing/leipzig/")

    assert response.status_code == 200
    assert response.json() == [
        {"gram": g, "meaning": m} for g, m in sorted(LEIPZIG_ABBREVIATIONS.items())
    ]
    assert {"gram": "ERG", "meaning": "ergative"} in response.json()


def test_check_warns_per_morpheme_and_accepts_project_grams(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    first, second, _ = load(team)
    client = as_user(team.viewer)

    plain = client.get(f"{BASE}/glossing/check/").json()
    allowed = client.get(f"{BASE}/glossing/check/?grams=AOR").json()

    assert (plain["count"], plain["count_capped"]) == (1, False)
    assert plain["results"] == [
        {
            "utterance": second["_id"],
            "text": second["text"],
            "order": 1,
            "word": 0,
            "morpheme": 1,
            "gloss": "AOR",
            "unknown": ["AOR"],
        }
    ]
    assert (allowed["count"], allowed["results"]) == (0, [])
    assert first["order"] == 0


def test_consistency_lists_forms_glossed_two_ways_with_places(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    first, _, third = load(team)

    body = as_user(team.viewer).get(f"{BASE}/glossing/consistency/").json()

    assert body["count"] == 1
    assert body["results"] == [
        {
            "form": "сад",
            "glosses": {"one": 1, "alone": 1},
            "examples": {
                "one": [
                    {"text": first["text"], "utterance": first["_id"], "word": 1, "morpheme": 0}
                ],
                "alone": [
                    {"text": third["text"], "utterance": third["_id"], "word": 0, "morpheme": 0}
                ],
            },
        }
    ]


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), (None, 401)], ids=["outsider", "anonymous"]
)
@pytest.mark.parametrize("path", ["leipzig/", "check/", "consistency/"])
def test_non_members_are_refused(
    team: Any, as_user: Any, mongo_db: Any, who: str | None, status: int, path: str
) -> None:
    user = team.users[who] if who else None

    response = as_user(user).get(f"{BASE}/glossing/{path}")

    assert response.status_code == status
