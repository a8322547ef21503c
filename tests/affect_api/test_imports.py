"""Importing layers from EAF, segment CSV and frame CSV: all or nothing, existing layers replaced
by a new version, tiers that do not follow the scheme named in the 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.affect.formats.eaf import write_eaf
from annotations.affect.model import Layer, Segment
from tests.affect_api.conftest import error, mongo_state

VIDEO = "/api/v1/projects/lezgi/videos/v1"
IMPORTS = f"{VIDEO}/imports/"

EAF_LAYERS = [
    Layer("x1", "v1", "ana", segments=[Segment(0, 500, aus={"AU12": 3}, emotion="happiness")]),
    Layer("x2", "v1", "ben", segments=[Segment(100, 900, aus={"AU6": 2})]),
]


def post(client: Any, name: str, data: bytes, fmt: str, **extra: str) -> Any:
    upload = SimpleUploadedFile(name, data)
    return client.post(IMPORTS, {"file": upload, "format": fmt, **extra}, format="multipart")


def segments(body: dict[str, Any]) -> dict[str, Any]:
    return {layer["annotator"]: layer["segments"] for layer in body["created"] + body["updated"]}


@pytest.mark.django_db
def test_eaf_import_creates_one_layer_per_annotator(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    response = post(as_user(team.manager), "coded.eaf", write_eaf(EAF_LAYERS), "eaf")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["updated"] == []
    assert [(x["annotator"], x["kind"], x["version"]) for x in body["created"]] == [
        ("ana", "coder", 1),
        ("ben", "coder", 1),
    ]
    assert {x["id"] for x in body["created"]}.isdisjoint({"x1", "x2"})  # file ids not trusted
    assert segments(body) == {
        "ana": [
            {"t0_ms": 0, "t1_ms": 500, "aus": {"AU12": 3}, "emotion": "happiness",
             "dimensions": {}, "note": ""}
        ],
        "ben": [
            {"t0_ms": 100, "t1_ms": 900, "aus": {"AU6": 2}, "emotion": None,
             "dimensions": {}, "note": ""}
        ],
    }  # fmt: skip
    listed = as_user(team.viewer).get(f"{VIDEO}/layers/").json()
    assert listed == body["created"]


@pytest.mark.django_db
def test_reimport_replaces_the_annotators_layer_with_a_new_version(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)
    first = post(client, "a.csv", b"annotator,t0_ms,t1_ms,AU12\nana,0,300,2\n", "csv").json()

    again = post(client, "a.csv", b"annotator,t0_ms,t1_ms,AU12\nana,0,400,4\n", "csv")

    assert again.status_code == 201
    body = again.json()
    assert body["created"] == []
    assert [(x["id"], x["version"]) for x in body["updated"]] == [(first["created"][0]["id"], 2)]
    assert body["updated"][0]["segments"][0]["aus"] == {"AU12": 4}
    history = client.get(f"{VIDEO}/layers/{first['created'][0]['id']}/history/").json()
    assert [entry["version"] for entry in history] == [1]


@pytest.mark.django_db
def test_frames_csv_needs_an_annotator_and_becomes_traces(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    rows = "frame,timestamp,AU12_r,AU12_c,valence\n" + "".join(
        f"{i + 1},{i / 10:.3f},{i % 3},{int(i % 3 >= 1)},0.5\n" for i in range(10)
    )
    client = as_user(team.manager)

    missing = post(client, "f.csv", rows.encode(), "frames.csv")
    ok = post(client, "f.csv", rows.encode(), "frames.csv", annotator="openface", kind="model")

    assert missing.status_code == 400
    assert list(error(missing)["fields"]) == ["annotator"]
    assert ok.status_code == 201, ok.content
    layer = ok.json()["created"][0]
    assert (layer["annotator"], layer["kind"], layer["trace_tracks"]) == (
        "openface",
        "model",
        ["AU12", "valence"],
    )
    detail = client.get(f"{VIDEO}/layers/{layer['id']}/").json()
    assert detail["traces"]["AU12"] == {"fps": 10.0, "values": [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]}
    assert detail["traces"]["valence"]["values"] == [0.5] * 10


@pytest.mark.django_db
def test_tiers_off_the_scheme_are_named_and_nothing_is_imported(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    eaf = write_eaf(EAF_LAYERS).replace(b'TIER_ID="ben|AU6"', b'TIER_ID="words"')
    before = mongo_state(mongo_db)

    response = post(as_user(team.manager), "mixed.eaf", eaf, "eaf")

    assert response.status_code == 400
    body = error(response)
    assert list(body["fields"]) == ["tiers"]
    assert body["detail"] == (
        "tiers: tier ids do not follow the '<annotator>|AU12' / '<annotator>|emotion' scheme: "
        "'words'"
    )
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_one_bad_row_imports_nothing(team: Any, video: Any, as_user: Any, mongo_db: Any) -> None:
    csv = b"annotator,t0_ms,t1_ms,AU12\nana,0,300,2\nben,0,5000,2\n"
    before = mongo_state(mongo_db)

    response = post(as_user(team.manager), "a.csv", csv, "csv")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["row 3"]
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_unknown_format_and_binary_garbage(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.manager)

    unknown = post(client, "a.json", b"{}", "json")
    garbage = post(client, "a.csv", b"\xff\xfe\x00bad", "csv")

    assert unknown.status_code == 400
    assert list(error(unknown)["fields"]) == ["format"]
    assert garbage.status_code == 400
    assert error(garbage)["detail"] == "The file is not UTF-8 text."
    assert mongo_db["affect_layers"].count_documents({}) == 0


@pytest.mark.django_db
def test_emotionml_export_with_a_valence_trace_reimports_the_trace(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    # Given a coder's layer with a segment and a valence/arousal trace, exported as EmotionML
    rows = "frame,timestamp,valence,arousal\n" + "".join(
        f"{i + 1},{i / 10:.3f},{(i - 5) / 5:.1f},0.5\n" for i in range(10)
    )
    client = as_user(team.manager)
    coded = post(client, "f.csv", rows.encode(), "frames.csv", annotator="ana").json()
    layer = coded["created"][0]
    exported = client.get(f"{VIDEO}/export?format=emotionml&layer={layer['id']}")
    assert exported.status_code == 200, exported.content
    data = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert b"<trace" in data

    # When the file is imported again for another annotator
    again = post(client, "ana.emotionml", data, "emotionml", annotator="ben")

    # Then the new layer holds the same frame values
    assert again.status_code == 201, again.content
    created = again.json()["created"][0]
    assert (created["annotator"], created["trace_tracks"]) == ("ben", ["arousal", "valence"])
    detail = client.get(f"{VIDEO}/layers/{created['id']}/").json()
    assert detail["traces"]["valence"]["values"] == pytest.approx([(i - 5) / 5 for i in range(10)])
    assert detail["traces"]["arousal"]["values"] == pytest.approx([0.5] * 10)
