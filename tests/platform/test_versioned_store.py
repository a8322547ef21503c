"""Versioned documents on the real MongoDB wire server: stale writes get 409 and change nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from fieldmark.api.errors import Conflict, DomainError
from fieldmark.storage import versioned
from fieldmark.storage.versioned import VersionedStore

store = VersionedStore("probe_docs", noun="probe")
merging = VersionedStore("probe_merged_docs", noun="probe", merges=True)


@pytest.fixture
def doc(mongo_db: Any) -> dict[str, Any]:
    return store.insert(7, {"title": "Frog story", "genre": "narrative"}, "ana")


def test_update_with_current_version_bumps_it_and_records_history(doc: dict[str, Any]) -> None:
    after = store.update(7, doc["_id"], 1, {"title": "The frog story"}, "ben")

    assert after["version"] == 2
    assert after["title"] == "The frog story"
    assert after["updated_by"] == "ben"
    [entry] = store.history(7, doc["_id"])
    assert (entry["version"], entry["op"], entry["by"], entry["changed"]) == (
        1,
        "update",
        "ben",
        ["title"],
    )


def test_stale_write_is_a_conflict_carrying_the_current_document(doc: dict[str, Any]) -> None:
    store.update(7, doc["_id"], 1, {"title": "Ana's title"}, "ana")

    with pytest.raises(Conflict) as info:
        store.update(7, doc["_id"], 1, {"title": "Ben's title"}, "ben")

    assert info.value.status_code == 409
    assert info.value.extra["current"]["title"] == "Ana's title"
    assert info.value.extra["current"]["version"] == 2
    assert store.get(7, doc["_id"])["title"] == "Ana's title"


def test_revert_restores_an_old_version_as_a_new_one(doc: dict[str, Any]) -> None:
    store.update(7, doc["_id"], 1, {"title": "Second", "speaker": "X"}, "ana")
    store.update(7, doc["_id"], 2, {"title": "Third"}, "ana")

    reverted = store.revert(7, doc["_id"], 1, 3, "ben")

    assert reverted["version"] == 4
    assert reverted["title"] == "Frog story"
    assert "speaker" not in reverted
    assert [h["version"] for h in store.history(7, doc["_id"])] == [3, 2, 1]


def test_other_projects_cannot_see_or_write_the_document(doc: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as info:
        store.update(8, doc["_id"], 1, {"title": "hijack"}, "eve")

    assert info.value.status_code == 404
    assert store.get(7, doc["_id"])["title"] == "Frog story"


def test_system_fields_cannot_be_written(doc: dict[str, Any]) -> None:
    after = store.update(7, doc["_id"], 1, {"version": 99, "project": 8, "title": "t"}, "ana")

    assert (after["version"], after["project"]) == (2, 7)


def test_insert_many_writes_in_batches(mongo_db: Any) -> None:
    count = store.insert_many(3, ({"n": i} for i in range(2500)), "importer", batch=1000)

    assert count == 2500
    assert mongo_db["probe_docs"].count_documents({"project": 3}) == 2500


def test_a_stale_write_that_comes_before_the_winners_history_entry_is_merged(
    mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two writers of different fields from version 1, where the second comes in between
    # the first one's write and its history entry of version 1 (the window two browser tabs
    # saving at once fell into: the stale writer found version 2 and no version 1 to merge with)
    doc = merging.insert(7, {"a": "", "b": ""}, "ana")
    record = merging._record
    stale: list[Any] = []
    writers: list[threading.Thread] = []

    def save_b() -> None:
        try:
            stale.append(merging.update(7, doc["_id"], 1, {"a": "", "b": "B"}, "ben", replace=True))
        except Conflict as exc:
            stale.append(exc)

    def record_after_the_stale_writer_came(*args: Any, **kwargs: Any) -> None:
        if not writers:
            writers.append(threading.Thread(target=save_b))
            writers[0].start()
            writers[0].join(timeout=0.5)  # it finds version 2 and, so far, no history of version 1
        record(*args, **kwargs)

    monkeypatch.setattr(merging, "_record", record_after_the_stale_writer_came)

    # When the first writer saves
    first = merging.update(7, doc["_id"], 1, {"a": "A", "b": ""}, "ana", replace=True)
    writers[0].join()

    # Then the stale write is merged, not a conflict, and history names both writers
    assert first["version"] == 2
    [merged] = stale
    assert not isinstance(merged, Conflict), merged.detail
    assert (merged["version"], merged["a"], merged["b"]) == (3, "A", "B")
    assert [
        (h["version"], h["by"], h.get("merged_with")) for h in merging.history(7, doc["_id"])
    ] == [
        (2, "ben", ["ana"]),
        (1, "ana", None),
    ]


def test_a_stale_write_against_a_version_without_history_is_still_a_conflict(
    mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versioned, "HISTORY_WAIT_S", 0.05)
    doc = merging.insert(7, {"a": ""}, "ana")
    merging.update(7, doc["_id"], 1, {"a": "A"}, "ana")
    mongo_db[merging.history_name].delete_many({"doc": doc["_id"]})

    with pytest.raises(Conflict) as info:
        merging.update(7, doc["_id"], 1, {"a": "B"}, "ben")

    assert info.value.extra["current"]["a"] == "A"
    assert merging.get(7, doc["_id"])["version"] == 2
