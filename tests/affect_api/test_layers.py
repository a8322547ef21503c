"""Annotation layers: who may write which, versioned writes (409), schema validation, history,
agreement and exports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.affect_api.conftest import error, mongo_state

LAYERS = "/api/v1/projects/lezgi/videos/v1/layers/"
SEGMENT = {"t0_ms": 0, "t1_ms": 500, "aus": {"AU12": 3}, "emotion": "happiness"}


def create(client: Any, **body: Any) -> Any:
    return client.post(LAYERS, {"segments": [SEGMENT], **body}, format="json")


@pytest.mark.django_db
def test_annotator_creates_own_layer(team: Any, video: Any, as_user: Any) -> None:
    response = create(as_user(team.annotator))

    assert response.status_code == 201
    layer = response.json()
    assert layer["annotator"] == "annotator"
    assert layer["kind"] == "coder"
    assert layer["video"] == "v1"
    assert layer["version"] == 1
    assert layer["segments"] == [
        {**SEGMENT, "dimensions": {}, "note": ""},
    ]
    assert as_user(team.viewer).get(LAYERS).json() == [layer]


@pytest.mark.django_db
def test_second_coder_layer_of_same_annotator_is_409(team: Any, video: Any, as_user: Any) -> None:
    client = as_user(team.annotator)
    first = create(client).json()

    again = create(client)

    assert again.status_code == 409
    assert error(again)["error"] == "layer_exists"
    assert again.json()["current"] == first


@pytest.mark.django_db
def test_update_with_version_then_stale_write_is_409_with_current(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    layer = create(client).json()
    url = f"{LAYERS}{layer['id']}/"
    changed = {**SEGMENT, "aus": {"AU12": 4, "AU6": 2}}

    updated = client.put(url, {"version": 1, "segments": [changed]}, format="json")
    before = mongo_state(mongo_db)
    # The same segment's AU12 changed the other way: a clash, not a merge.
    clashing = {**SEGMENT, "aus": {"AU12": 1}}
    stale = client.put(url, {"version": 1, "segments": [clashing]}, format="json")

    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert updated.json()["segments"][0]["aus"] == {"AU12": 4, "AU6": 2}
    assert updated["ETag"] == '"2"'
    assert stale.status_code == 409
    assert error(stale)["error"] == "version_conflict"
    assert list(error(stale)["fields"]) == ["version"]
    assert stale.json()["current"] == updated.json()
    assert stale.json()["conflicts"] == [
        {"element": "segments.0-500.aus.AU12", "base": 3, "current": 4, "mine": 1}
    ]
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_a_stale_save_of_another_segment_is_merged(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    manager, coder = as_user(team.manager), as_user(team.annotator)
    layer = create(coder).json()
    url = f"{LAYERS}{layer['id']}/"
    later = {"t0_ms": 600, "t1_ms": 900, "aus": {"AU6": 2}}
    theirs = {**SEGMENT, "emotion": "surprise"}

    first = manager.put(url, {"version": 1, "segments": [theirs]}, format="json")
    merged = coder.put(url, {"version": 1, "segments": [SEGMENT, later]}, format="json")

    assert (first.status_code, merged.status_code) == (200, 200)
    body = merged.json()
    assert body["version"] == 3
    assert [(s["t0_ms"], s.get("emotion"), s["aus"]) for s in body["segments"]] == [
        (0, "surprise", {"AU12": 3}),
        (600, None, {"AU6": 2}),
    ]


@pytest.mark.django_db
def test_if_match_header_names_the_version(team: Any, video: Any, as_user: Any) -> None:
    client = as_user(team.annotator)
    layer = create(client).json()
    url = f"{LAYERS}{layer['id']}/"

    ok = client.put(url, {"segments": []}, format="json", HTTP_IF_MATCH='"1"')
    # Against version 1 again, changing the segment that version 2 removed: a clash.
    clash = [{**SEGMENT, "aus": {"AU12": 5}}]
    stale = client.put(url, {"segments": clash}, format="json", HTTP_IF_MATCH='W/"1"')
    missing = client.put(url, {"segments": []}, format="json")

    assert (ok.status_code, stale.status_code, missing.status_code) == (200, 409, 400)
    assert list(error(missing)["fields"]) == ["version"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("segment", "field"),
    [
        ({"t0_ms": 300, "t1_ms": 300}, "segments.0"),
        ({"t0_ms": 500, "t1_ms": 100}, "segments.0"),
        ({"t0_ms": 0, "t1_ms": 1001}, "segments.0"),
        ({"t0_ms": 0, "t1_ms": 100, "aus": {"AU99": 1}}, "segments.0.aus.AU99"),
        ({"t0_ms": 0, "t1_ms": 100, "aus": {"AU12": 7}}, "segments.0.aus.AU12"),
        ({"t0_ms": 0, "t1_ms": 100, "emotion": "joy"}, "segments.0.emotion"),
        ({"t0_ms": 0, "t1_ms": 100, "dimensions": {"valence": 2}}, "segments.0.dimensions.valence"),
        ({"t0_ms": "soon", "t1_ms": 100}, "segments.0.t0_ms"),
    ],
)
def test_invalid_segments_are_400_naming_the_field_and_save_nothing(
    team: Any, video: Any, as_user: Any, mongo_db: Any, segment: dict[str, Any], field: str
) -> None:
    client = as_user(team.annotator)
    layer = create(client).json()
    before = mongo_state(mongo_db)

    as_manager = as_user(team.manager).post(LAYERS, {"segments": [segment]}, format="json")
    updated = client.put(
        f"{LAYERS}{layer['id']}/", {"version": 1, "segments": [segment]}, format="json"
    )

    for response in (as_manager, updated):
        assert response.status_code == 400
        assert list(error(response)["fields"]) == [field]
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_only_a_manager_makes_a_gold_layer(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    before = mongo_state(mongo_db)

    refused = create(as_user(team.annotator), kind="gold")
    after_refusal = mongo_state(mongo_db)
    made = create(as_user(team.manager), kind="gold")

    assert refused.status_code == 403
    assert error(refused)["error"] == "permission_denied"
    assert after_refusal == before
    assert made.status_code == 201
    assert made.json()["kind"] == "gold"


@pytest.mark.django_db
def test_traces_are_stored_in_buckets_and_read_back(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    values = [0.0, 1.0, None, 3.0, None, None, None, None, None, 0.0]
    layer = create(client, traces={"AU12": {"fps": 10, "values": values}}).json()

    detail = client.get(f"{LAYERS}{layer['id']}/").json()
    bad = client.put(
        f"{LAYERS}{layer['id']}/",
        {"version": 1, "traces": {"AU12": {"fps": 10, "values": [9]}}},
        format="json",
    )
    kept = client.put(f"{LAYERS}{layer['id']}/", {"version": 1, "segments": []}, format="json")

    assert layer["trace_tracks"] == ["AU12"]
    assert detail["traces"] == {"AU12": {"fps": 10.0, "values": values}}
    assert mongo_db["affect_trace_buckets"].count_documents({"layer_id": layer["id"]}) == 1
    assert bad.status_code == 400
    assert list(error(bad)["fields"]) == ["traces.AU12"]
    assert kept.status_code == 200
    assert client.get(f"{LAYERS}{layer['id']}/").json()["traces"] == detail["traces"]


@pytest.mark.django_db
def test_roles_on_layers_and_refusals_change_nothing(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    layer = create(as_user(team.annotator)).json()
    url = f"{LAYERS}{layer['id']}/"
    body = {"version": 1, "segments": []}
    team.users["annotator2"] = _second_annotator(team)
    before = mongo_state(mongo_db)

    viewer_create = create(as_user(team.viewer))
    viewer_put = as_user(team.viewer).put(url, body, format="json")
    other_put = as_user(team.annotator2).put(url, body, format="json")
    outsider_get = as_user(team.outsider).get(url)
    outsider_put = as_user(team.outsider).put(url, body, format="json")
    anonymous = as_user(None).get(LAYERS)

    assert [viewer_create.status_code, viewer_put.status_code, other_put.status_code] == [403] * 3
    assert error(other_put)["error"] == "permission_denied"
    assert [outsider_get.status_code, outsider_put.status_code] == [404, 404]
    assert anonymous.status_code == 401
    assert mongo_state(mongo_db) == before
    assert as_user(team.annotator2).get(url).status_code == 200

    manager_put = as_user(team.manager).put(url, body, format="json")
    assert manager_put.status_code == 200
    assert manager_put.json()["annotator"] == "annotator"
    assert manager_put.json()["updated_by"] == "manager"


def _second_annotator(team: Any) -> Any:
    from django.contrib.auth.models import User

    from fieldmark.projects.models import Membership

    user = User.objects.create_user("annotator2", "a2@example.org", "pw")
    Membership.objects.create(project=team.project, user=user, role="annotator")
    return user


@pytest.mark.django_db
def test_history_lists_earlier_versions_newest_first(team: Any, video: Any, as_user: Any) -> None:
    client = as_user(team.annotator)
    layer = create(client).json()
    url = f"{LAYERS}{layer['id']}/"
    client.put(url, {"version": 1, "segments": []}, format="json")
    client.put(url, {"version": 2, "segments": [SEGMENT]}, format="json")

    history = as_user(team.viewer).get(f"{url}history/").json()

    assert [(h["version"], h["op"], h["by"], h["changed"]) for h in history] == [
        (2, "update", "annotator", ["segments"]),
        (1, "update", "annotator", ["segments"]),
    ]


@pytest.mark.django_db
def test_layer_of_unknown_video_or_other_video_is_404(team: Any, video: Any, as_user: Any) -> None:
    client = as_user(team.annotator)
    layer = create(client).json()

    assert client.get("/api/v1/projects/lezgi/videos/nope/layers/").status_code == 404
    assert (
        client.get(f"/api/v1/projects/lezgi/videos/nope/layers/{layer['id']}/").status_code == 404
    )


@pytest.mark.django_db
def test_agreement_of_two_coders(team: Any, video: Any, as_user: Any) -> None:
    # Frames 0-4 vs 0-2 show AU12: occurrence agrees on 8 of 10 frames; p_e = .5*.3 + .5*.7 = .5,
    # so kappa = (.8 - .5) / .5 = .6.
    create(as_user(team.annotator))
    short = {"t0_ms": 0, "t1_ms": 300, "aus": {"AU12": 2}, "emotion": "happiness"}
    as_user(team.manager).post(LAYERS, {"segments": [short]}, format="json")

    response = as_user(team.viewer).get("/api/v1/projects/lezgi/videos/v1/agreement/?aus=AU12")

    assert response.status_code == 200
    report = response.json()
    assert [c["annotator"] for c in report["coders"]] == ["annotator", "manager"]
    assert (report["fps"], report["n_frames"]) == (10.0, 10)
    assert report["au"]["aus"] == ["AU12"]
    assert report["au"]["occurrence"]["agreement"] == [[0.8]]
    assert report["au"]["occurrence"]["kappa"] == [[0.6]]
    assert report["au"]["occurrence"]["frames"] == [[10]]


@pytest.mark.django_db
def test_agreement_needs_two_coders(team: Any, video: Any, as_user: Any) -> None:
    create(as_user(team.annotator))

    response = as_user(team.viewer).get("/api/v1/projects/lezgi/videos/v1/agreement/")

    assert response.status_code == 400
    assert error(response)["error"] == "not_enough_layers"


EXPORT = "/api/v1/projects/lezgi/videos/v1/export"


@pytest.mark.django_db
def test_exports_stream_each_format(team: Any, video: Any, as_user: Any) -> None:
    layer = create(as_user(team.annotator)).json()
    viewer = as_user(team.viewer)

    def get(query: str) -> tuple[Any, bytes]:
        response = viewer.get(f"{EXPORT}?{query}")
        return response, b"".join(
            c if isinstance(c, bytes) else c.encode() for c in response.streaming_content
        )

    csv, csv_body = get("format=csv")
    frames, frames_body = get(f"format=frames.csv&layer={layer['id']}")
    eaf, eaf_body = get("format=eaf")
    eml, eml_body = get("format=emotionml")
    js, js_body = get("format=json")

    assert csv.status_code == 200
    assert csv["Content-Disposition"] == 'attachment; filename="clip.segments.csv"'
    lines = csv_body.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"annotator,{layer['id']},0,500,happiness")
    assert frames.status_code == 200
    assert len(frames_body.decode().splitlines()) == 11
    assert eaf.status_code == 200 and b"<ANNOTATION_DOCUMENT" in eaf_body
    assert eml.status_code == 200 and b"emotionml" in eml_body
    assert js.status_code == 200
    assert json.loads(js_body)["layers"][0]["segments"][0]["aus"] == {"AU12": 3}


@pytest.mark.django_db
def test_export_refusals(team: Any, video: Any, as_user: Any) -> None:
    create(as_user(team.annotator))

    unknown = as_user(team.viewer).get(f"{EXPORT}?format=docx")
    frames = as_user(team.viewer).get(f"{EXPORT}?format=frames.csv")
    outsider = as_user(team.outsider).get(f"{EXPORT}?format=csv")

    assert (unknown.status_code, frames.status_code, outsider.status_code) == (400, 400, 404)
    assert list(error(unknown)["fields"]) == ["format"]
    assert list(error(frames)["fields"]) == ["layer"]
