"""A stale layer save is merged only into a layer that still passes the layer's validation (two
changes each valid alone can break it together: a 409 naming the element, nothing written), and
the merge never loses a committed edit: random concurrent edits of the segments and events of one
layer, every 2xx edit is in the final layer, every 409 names an element someone else changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.affect_api.conftest import mongo_state

LAYERS = "/api/v1/projects/lezgi/videos/v1/layers/"
EVENT = {"au": "AU12", "onset_ms": 0, "apex_ms": 500, "offset_ms": 1000, "intensity": 2}


@pytest.mark.django_db
def test_a_merge_that_breaks_an_event_is_a_409_naming_it_and_writes_nothing(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    coder, manager = as_user(team.annotator), as_user(team.manager)
    layer = coder.post(LAYERS, {"events": [EVENT]}, format="json").json()
    url = f"{LAYERS}{layer['id']}/"
    # The manager ends the event earlier (its apex still inside), from version 1 ...
    first = manager.put(url, {"version": 1, "events": [{**EVENT, "offset_ms": 600}]}, format="json")
    before = mongo_state(mongo_db)

    # ... and the coder, also from version 1, moves the apex later (inside the old offset).
    late_apex = coder.put(url, {"version": 1, "events": [{**EVENT, "apex_ms": 800}]}, format="json")

    assert first.status_code == 200, first.content
    assert late_apex.status_code == 409, late_apex.content
    body = late_apex.json()
    assert body["error"] == "version_conflict"
    assert body["conflicts"] == [
        {"element": "events.0.apex_ms", "base": 500, "current": 500, "mine": 800,
         "detail": "events.0.apex_ms: apex 800 ms is outside onset..offset 0..600 ms"}
    ]  # fmt: skip
    assert body["current"]["version"] == 2
    assert mongo_state(mongo_db) == before


@pytest.mark.django_db
def test_the_same_edits_made_one_after_the_other_are_a_400(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    """What the merge refuses is what a save in turn refuses: the same validation."""
    coder = as_user(team.annotator)
    layer = coder.post(LAYERS, {"events": [{**EVENT, "offset_ms": 600}]}, format="json").json()
    before = mongo_state(mongo_db)

    response = coder.put(
        f"{LAYERS}{layer['id']}/",
        {"version": 1, "events": [{**EVENT, "offset_ms": 600, "apex_ms": 800}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["events.0.apex_ms"]
    assert mongo_state(mongo_db) == before


SEGMENTS = [{"t0_ms": 100 * i, "t1_ms": 100 * i + 100, "note": ""} for i in range(4)]
EVENTS = [{**EVENT, "au": au, "intensity": 1} for au in ("AU1", "AU6")]
# A cell: ("segments", index, "note") or ("events", index, "intensity"), given a value per step.
Cell = tuple[str, int, str]
CELLS = st.sampled_from(
    [("segments", i, "note") for i in range(len(SEGMENTS))]
    + [("events", i, "intensity") for i in range(len(EVENTS))]
)
EDITS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=5), st.sets(CELLS, min_size=1, max_size=3)),
    min_size=2,
    max_size=6,
)


def value(cell: Cell, step: int, read: Any) -> Any:
    """A note names its step, so a lost note is seen as lost; an intensity (1..5) is moved off
    the value this writer read, since writing back what one read changes nothing."""
    return f"s{step}" if cell[0] == "segments" else read % 5 + 1


def element(cell: Cell) -> str:
    """The merge names elements of keyed lists by their key (interval, AU and onset)."""
    kind, index, field = cell
    if kind == "segments":
        segment = SEGMENTS[index]
        return f"segments.{segment['t0_ms']}-{segment['t1_ms']}.{field}"
    event = EVENTS[index]
    return f"events.{event['au']}-{event['onset_ms']}.{field}"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
@pytest.mark.django_db
def test_property_no_committed_layer_edit_is_lost(
    team: Any, video: Any, as_user: Any, mongo_db: Any, edits: list[tuple[int, set[Cell]]]
) -> None:
    mongo_db["affect_layers"].delete_many({})
    coder = as_user(team.annotator)
    created = coder.post(LAYERS, {"segments": SEGMENTS, "events": EVENTS}, format="json")
    assert created.status_code == 201, created.content
    layer = created.json()
    versions = {1: layer}
    last_write: dict[Cell, tuple[int, Any]] = {}
    for step, (back, cells) in enumerate(edits):
        read = max(1, max(versions) - back)
        body = {key: copy.deepcopy(versions[read][key]) for key in ("segments", "events")}
        written = {cell: value(cell, step, body[cell[0]][cell[1]][cell[2]]) for cell in cells}
        for cell, new in written.items():
            body[cell[0]][cell[1]][cell[2]] = new
        response = coder.put(f"{LAYERS}{layer['id']}/", {**body, "version": read}, format="json")
        if response.status_code == 200:
            saved = response.json()
            versions[saved["version"]] = saved
            for cell, new in written.items():
                last_write[cell] = (saved["version"], new)
        else:
            assert response.status_code == 409, response.content
            named = {clash["element"] for clash in response.json()["conflicts"]}
            changed_since = {element(c) for c, (v, _) in last_write.items() if v > read}
            assert named, response.content
            assert named <= {element(c) for c in cells} & changed_since

    final = coder.get(f"{LAYERS}{layer['id']}/").json()
    assert [(s["t0_ms"], s["t1_ms"]) for s in final["segments"]] == [
        (s["t0_ms"], s["t1_ms"]) for s in SEGMENTS
    ]
    for (kind, index, field), (_, last) in last_write.items():
        assert final[kind][index][field] == last
    untouched = {c for _, cs in edits for c in cs} - set(last_write)
    for kind, index, field in untouched:
        start = SEGMENTS if kind == "segments" else EVENTS
        assert final[kind][index][field] == start[index][field]
