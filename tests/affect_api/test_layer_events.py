"""Every layer write, whatever made it (REST create and update, a merged stale save, a revert, an
import), sends one event carrying the layer as the REST API serves it; a write that replaced
traces carries them too. Read back through a real socket's catch-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.affect.formats.eaf import write_eaf
from annotations.affect.model import Layer, Segment
from tests.realtime_log import events_since, mark, only

pytestmark = pytest.mark.django_db(transaction=True)
P = "/api/v1/projects/lezgi"
LAYERS = f"{P}/videos/v1/layers/"
SEGMENT = {"t0_ms": 0, "t1_ms": 500, "aus": {"AU12": 3}, "emotion": "happiness"}


def listed(client: Any, layer_id: str) -> dict[str, Any]:
    """The layer as the list endpoint serves it (no traces)."""
    layers = client.get(LAYERS).json()
    return dict(next(layer for layer in layers if layer["id"] == layer_id))


def test_rest_writes_send_the_layer_as_served(team: Any, video: Any, as_user: Any) -> None:
    coder, manager, viewer = as_user(team.annotator), as_user(team.manager), as_user(team.viewer)
    since = mark(team.viewer)
    traces = {"AU12": {"fps": 10.0, "values": [0.0, 1.0, None, 2.0, 3.0, 3.0, 2.0, 1.0, 0.0, 0.0]}}

    created = coder.post(LAYERS, {"segments": [SEGMENT], "traces": traces}, format="json")
    layer_id = created.json()["id"]
    detail_v1 = viewer.get(f"{LAYERS}{layer_id}/").json()
    updated = coder.put(
        f"{LAYERS}{layer_id}/",
        {"version": 1, "segments": [{**SEGMENT, "emotion": "surprise"}]},
        format="json",
    )
    listed_v2 = listed(viewer, layer_id)
    # Made against version 1, of another segment: merged into version 3.
    merged = manager.put(
        f"{LAYERS}{layer_id}/",
        {"version": 1, "segments": [SEGMENT, {"t0_ms": 600, "t1_ms": 900, "aus": {"AU6": 2}}]},
        format="json",
    )
    listed_v3 = listed(viewer, layer_id)
    reverted = coder.post(
        f"{LAYERS}{layer_id}/revert/", {"to_version": 1, "version": 3}, format="json"
    )
    listed_v4 = listed(viewer, layer_id)

    assert [r.status_code for r in (created, updated, merged, reverted)] == [201, 200, 200, 200]
    events = only(events_since(team.viewer, since), "affect.layer.created") + only(
        events_since(team.viewer, since), "affect.layer.updated"
    )
    assert [(e["type"], e["id"], e["video"], e["version"]) for e in events] == [
        ("affect.layer.created", layer_id, "v1", 1),
        ("affect.layer.updated", layer_id, "v1", 2),
        ("affect.layer.updated", layer_id, "v1", 3),
        ("affect.layer.updated", layer_id, "v1", 4),
    ]
    # The create replaced traces: its event has them, exactly as GET .../layers/<id>/ serves.
    assert events[0]["data"] == detail_v1
    assert events[0]["data"]["traces"]["AU12"]["values"][2] is None
    # The others did not: the layer as the list serves it, the merged one included.
    assert [e["data"] for e in events[1:]] == [listed_v2, listed_v3, listed_v4]
    assert [s["t0_ms"] for s in events[2]["data"]["segments"]] == [0, 600]
    assert [s["emotion"] for s in events[3]["data"]["segments"]] == ["happiness"]


def test_an_import_sends_each_layer_it_wrote(team: Any, video: Any, as_user: Any) -> None:
    manager = as_user(team.manager)
    layers = [
        Layer("x1", "v1", "ana", segments=[Segment(0, 500, aus={"AU12": 3})]),
        Layer("x2", "v1", "ben", segments=[Segment(100, 900, aus={"AU6": 2})]),
    ]
    since = mark(team.viewer)

    response = manager.post(
        f"{P}/videos/v1/imports/",
        {"file": SimpleUploadedFile("coded.eaf", write_eaf(layers)), "format": "eaf"},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    events = only(events_since(team.viewer, since), "affect.layer.created")
    served = {
        layer["id"]: manager.get(f"{LAYERS}{layer['id']}/").json() for layer in body["created"]
    }
    assert {e["id"]: e["data"] for e in events} == served
    assert {e["data"]["annotator"] for e in events} == {"ana", "ben"}


def test_a_link_and_the_schema_are_sent_as_served(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    from annotations.linguistic_api import services

    manager = as_user(team.manager)
    text = services.create_text(team.owner, team.project, {"title": "T"})
    utterance = services.create_utterance(team.owner, team.project, text["_id"], {})
    schema = manager.get(f"{P}/affect/schema/").json()
    since = mark(team.viewer)

    link = manager.post(
        f"{P}/affect/links/",
        {"utterance": utterance["_id"], "video": "v1", "t0_ms": 0, "t1_ms": 400},
        format="json",
    )
    put = manager.put(
        f"{P}/affect/schema/",
        {"version": schema["version"], "emotions": "affectnet"},
        format="json",
    )

    assert (link.status_code, put.status_code) == (201, 200), (link.content, put.content)
    events = events_since(team.viewer, since)
    made = only(events, "affect.link.created")
    assert [(e["id"], e["version"], e["data"]) for e in made] == [
        (link.json()["id"], 1, link.json())
    ]
    changed = only(events, "affect.schema.updated")
    assert [e["data"] for e in changed] == [manager.get(f"{P}/affect/schema/").json()]
    assert changed[0]["version"] == put.json()["version"]
