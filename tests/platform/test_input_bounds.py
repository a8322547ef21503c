"""Input that once gave a 500 gets a 4xx in the one error shape, and changes nothing:
integers beyond 64 bits anywhere in a body, header or query, NUL in keys, deep JSON, non-string
ELAN mapping values, odd digits in ``count``, and a corrupt video that still probes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import documents
from fieldmark.api.parsers import MAX_JSON_DEPTH
from fieldmark.jobs.models import Job

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
BIG = 2**63
EAF = (Path(__file__).parents[1] / "linguistic" / "data" / "sample_3.0.eaf").read_bytes()


def _state() -> list[Any]:
    return [
        sorted(map(str, documents.texts.collection.find({}))),
        sorted(map(str, documents.utterances.collection.find({}))),
        sorted(map(str, documents.lexicon.collection.find({}))),
    ]


def _raw(client: Any, method: str, url: str, body: str, **headers: Any) -> Any:
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.fixture
def text(team: Any, as_user: Any, mongo_db: Any) -> dict[str, Any]:
    client = as_user(team.manager)
    made = client.post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    utterance = client.post(
        f"{BASE}/texts/{made['id']}/utterances/", {"words": [{"form": "a"}]}, format="json"
    ).json()
    return {"text": made["id"], "utterance": utterance["id"]}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "texts/", {"title": "x", "meta": {"n": BIG}}, "meta.n"),
        ("post", "texts/", {"title": "x", "meta": {"n": -BIG - 1}}, "meta.n"),
        ("patch", "texts/{text}/", {"version": BIG, "title": "y"}, "version"),
        ("post", "texts/{text}/utterances/", {"order": BIG}, "order"),
        ("post", "texts/{text}/utterances/", {"paragraph": 10**30}, "paragraph"),
        ("post", "texts/{text}/utterances/", {"media": {"start": BIG}}, "media.start"),
        ("put", "utterances/{utterance}/", {"version": 1, "order": BIG}, "order"),
        ("post", "lexicon/", {"forms": {"lez": "a"}, "custom": {"k": [BIG]}}, "custom.k.0"),
        ("post", "texts/", '{"title": "x", "meta": {"f": 1e999}}', "meta.f"),
    ],
)
def test_integers_beyond_64_bits_are_a_400_naming_the_field(
    team: Any, as_user: Any, text: dict[str, Any], method: str, path: str, body: Any, field: str
) -> None:
    before = _state()
    url = f"{BASE}/" + path.format(**text)

    raw = body if isinstance(body, str) else json.dumps(body)
    response = _raw(as_user(team.manager), method, url, raw)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert _state() == before


@pytest.mark.parametrize(
    ("kind", "value"),
    [("header", f'"{BIG}"'), ("header", '"' + "9" * 5000 + '"'), ("query", str(BIG))],
)
def test_version_beyond_64_bits_in_if_match_or_query_is_a_400(
    team: Any, as_user: Any, text: dict[str, Any], kind: str, value: str
) -> None:
    before = _state()
    client = as_user(team.manager)
    if kind == "header":
        response = client.delete(f"{BASE}/texts/{text['text']}/", HTTP_IF_MATCH=value)
    else:
        response = client.delete(f"{BASE}/texts/{text['text']}/?version={value}")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["version"]
    assert _state() == before


def test_a_nul_in_a_key_is_a_400(team: Any, as_user: Any, text: dict[str, Any]) -> None:
    before = _state()

    response = _raw(
        as_user(team.manager), "post", f"{BASE}/texts/", '{"title": "x", "meta": {"a\\u0000b": 1}}'
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["meta"]
    assert _state() == before


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deep_json_is_a_400(team: Any, as_user: Any, text: dict[str, Any], depth: int) -> None:
    before = _state()
    body = '{"title": "x", "meta": {"a": ' + "[" * depth + "]" * depth + "}}"

    response = _raw(as_user(team.manager), "post", f"{BASE}/texts/", body)

    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"utterance": 5}, "mapping.utterance"),
        ({"utterance": ["text"]}, "mapping.utterance"),
        ({"utterance": "text", "translations": {"en": 3}}, "mapping.translations"),
        ({"utterance": "text", "tiers": "words"}, "mapping.tiers"),
    ],
)
def test_non_string_eaf_mapping_values_are_a_400(
    team: Any, as_user: Any, mongo_db: Any, mapping: dict[str, Any], field: str
) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/imports/",
        {"file": SimpleUploadedFile("s.eaf", EAF), "format": "eaf", "mapping": json.dumps(mapping)},
        format="multipart",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [field]
    assert Job.objects.count() == 0
