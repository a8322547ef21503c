"""User regular expressions cannot stall the server: linear-time matching, a length cap, and a
400 naming ``q`` with the reason for a pattern that is refused."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest

from fieldmark.api.userregex import MAX_PATTERN_LENGTH

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"


def _text_with_glosses(team: Any, as_user: Any, glosses: list[str]) -> None:
    manager = as_user(team.manager)
    text = manager.post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    manager.post(
        f"{BASE}/texts/{text['id']}/utterances/",
        {"words": [{"form": f"w{i}", "gloss": g} for i, g in enumerate(glosses)]},
        format="json",
    )


def test_a_catastrophic_pattern_answers_at_once(team: Any, as_user: Any, mongo_db: Any) -> None:
    # With a backtracking engine each of these values takes about a second for this pattern.
    _text_with_glosses(team, as_user, [c * 22 for c in "abcdef"] + ["a1"])

    pattern = quote(r"(?:.*){9}\d")
    started = time.perf_counter()
    response = as_user(team.viewer).get(f"{BASE}/concordance/?field=gloss&mode=regex&q={pattern}")
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert (response.json()["count"], response.json()["hits"]) == (1, 1)
    assert elapsed < 1.0


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "invalid escape sequence"),
        (r"(?=a)b", "invalid perl operator"),
        ("a{1000}{1000}", "bad repetition operator"),
        ("a" * (MAX_PATTERN_LENGTH + 1), f"at most {MAX_PATTERN_LENGTH} characters"),
    ],
)
def test_refused_patterns_are_a_400_with_the_reason(
    team: Any, as_user: Any, mongo_db: Any, pattern: str, reason: str
) -> None:
    _text_with_glosses(team, as_user, ["aa"])

    response = as_user(team.viewer).get(
        f"{BASE}/concordance/?field=gloss&mode=regex&q={quote(pattern)}"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert list(body["fields"]) == ["q"]
    assert reason in body["detail"]
