"""Exports of a text longer than one cursor batch, concordance paging, and POS search
over morphemes (Toolbox puts POS there)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from annotations.linguistic_api import services
from annotations.linguistic_api.services import common

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
N = common.BATCH * 2 + 7


def toolbox(n: int) -> bytes:
    return "".join(
        f"\\t w{i} sad\n\\m w{i}-ar sad\n\\p N-PL NUM\n\\g house-PL one\n\\l house {i}\n\n"
        for i in range(n)
    ).encode()


def load(team: Any, n: int) -> None:
    data = toolbox(n)
    services.import_file(
        team.project, lambda: io.BytesIO(data), "toolbox", "long.txt", "job-1", "manager"
    )


def test_json_export_of_a_long_text_streams_every_utterance_in_order(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, N)

    response = as_user(team.viewer).get(f"{BASE}/export/?format=json")
    chunks = list(response.streaming_content)
    [line] = b"".join(chunks).decode().splitlines()
    doc = json.loads(line)

    assert response.status_code == 200
    assert len(chunks) > 3
    assert (doc["id"], doc["title"]) == ("long", "long")
    assert [u["order"] for u in doc["utterances"]] == list(range(N))
    assert doc["utterances"][N - 1]["translations"] == {"en": f"house {N - 1}"}


def test_csv_export_of_a_long_text_has_one_row_per_morpheme(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, N)

    response = as_user(team.viewer).get(f"{BASE}/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response.status_code == 200
    assert len(rows) == N * 3
    assert {row["text_id"] for row in rows} == {"long"}
    assert [row["utterance_order"] for row in rows[::3]] == [str(i) for i in range(N)]
    assert (rows[-2]["form"], rows[-2]["gloss"], rows[-2]["translation:en"]) == (
        "ar",
        "PL",
        f"house {N - 1}",
    )


def test_concordance_pages_by_utterance_with_exact_counts(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, 5)
    client = as_user(team.viewer)

    first = client.get(f"{BASE}/concordance/?field=gloss&q=PL&page_size=2").json()
    last = client.get(f"{BASE}/concordance/?field=gloss&q=PL&page_size=2&page=3").json()

    assert (first["count"], first["hits"], len(first["results"])) == (5, 5, 2)
    assert [u["order"] for u in first["results"]] == [0, 1]
    assert [u["order"] for u in last["results"]] == [4]
    assert last["next"] is None


def test_pos_concordance_finds_morpheme_pos(team: Any, as_user: Any, mongo_db: Any) -> None:
    load(team, 2)

    hits = as_user(team.viewer).get(f"{BASE}/concordance/?field=pos&q=NUM").json()

    assert (hits["count"], hits["hits"]) == (2, 2)
    assert [(u["order"], u["hits"]) for u in hits["results"]] == [
        (0, [{"word": 1, "morpheme": 0, "value": "NUM"}]),
        (1, [{"word": 1, "morpheme": 0, "value": "NUM"}]),
    ]
