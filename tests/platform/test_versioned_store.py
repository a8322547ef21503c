"""Versioned documents on the real MongoDB wire server: stale writes get 409 and change nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fieldmark.api.errors import Conflict, DomainError
from fieldmark.storage import versioned
from fieldmark.storage.versioned import STALE_LOCK_S, VersionedStore

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


def test_a_stale_write_that_comes_while_the_winner_holds_the_lock_is_merged(
    mongo_db: Any,
) -> None:
    # Given two writers of different fields from version 1, where the second comes in between
    # the first one's lock (its history entry of version 1) and its update: the window two tabs
    # saving at once fall into where the lock and the update are two round trips (MongoDB 7).
    # The second finds the lock taken and the document still at version 1.
    doc = merging.insert(7, {"a": "", "b": ""}, "ana")
    after = {**doc, "a": "A", "version": 2}
    merging.history_collection.insert_one(merging._entry(doc, after, "update", "ana"))
    stale: list[Any] = []

    def save_b() -> None:
        try:
            stale.append(merging.update(7, doc["_id"], 1, {"a": "", "b": "B"}, "ben", replace=True))
        except Conflict as exc:
            stale.append(exc)

    writer = threading.Thread(target=save_b)
    writer.start()
    writer.join(timeout=0.3)
    assert writer.is_alive()  # it waits for the lock's holder, rather than call it a conflict

    # When the first writer's update lands
    merging.collection.update_one(
        {"_id": doc["_id"], "version": 1}, {"$set": {"a": "A"}, "$inc": {"version": 1}}
    )
    writer.join()

    # Then the stale write is merged, not a conflict, and history names both writers
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


@pytest.fixture(params=["bulkWrite", "one command a step"])
def write_path(request: Any, monkeypatch: Any) -> str:
    """Both ways ``mongo.write_in_order`` writes: the embedded server's cross-collection
    ``bulkWrite`` (MongoDB 8.0's), and one command a step (what MongoDB 7 gets)."""
    from fieldmark.storage import mongo

    monkeypatch.setattr(mongo, "_client_bulk", None if request.param == "bulkWrite" else False)
    return str(request.param)


def test_the_history_entry_is_the_lock_a_write_refused_by_it_writes_nothing(
    doc: dict[str, Any], write_path: str
) -> None:
    # Another writer holds version 1's lock: it inserted the entry and has not updated yet.
    store.history_collection.insert_one(
        {
            "doc": doc["_id"],
            "project": 7,
            "version": 1,
            "op": "update",
            "by": "cem",
            "at": datetime.now(UTC),
        }
    )

    with pytest.raises(Conflict):
        store.update(7, doc["_id"], 1, {"title": "Ben's title"}, "ben", current=doc)

    assert store.get(7, doc["_id"]) == doc
    assert [(e["version"], e["by"]) for e in store.history(7, doc["_id"])] == [(1, "cem")]


def test_a_document_gone_from_under_a_locked_write_takes_its_entry_back(
    doc: dict[str, Any], write_path: str
) -> None:
    store.collection.delete_one({"_id": doc["_id"]})  # deleted wholesale, without history

    with pytest.raises(DomainError) as info:
        store.update(7, doc["_id"], 1, {"title": "Ben's title"}, "ben", current=doc)

    assert info.value.status_code == 404
    assert store.history_collection.count_documents({"doc": doc["_id"]}) == 0


def test_a_versioned_write_queues_its_linked_data_in_the_same_round_trip_or_not_at_all(
    mongo_db: Any, write_path: str
) -> None:
    from annotations.linguistic_api import documents
    from annotations.linked_api import sync

    text = documents.texts.insert(7, {"title": "Frog story"}, "ana")
    sync_key = f"7:text:{text['_id']}"
    mongo_db[sync.OUTBOX].delete_many({})
    documents.texts.history_collection.insert_one(
        {"doc": text["_id"], "project": 7, "version": 1, "at": datetime.now(UTC)}
    )

    with pytest.raises(Conflict):
        documents.texts.update(7, text["_id"], 1, {"title": "Ben's"}, "ben", merge=False)
    refused = mongo_db[sync.OUTBOX].count_documents({})
    documents.texts.history_collection.delete_many({"doc": text["_id"]})
    after = documents.texts.update(7, text["_id"], 1, {"title": "Ben's"}, "ben", merge=False)

    assert refused == 0
    assert after["version"] == 2
    assert mongo_db[sync.OUTBOX].find_one({"_id": sync_key})["doc"] == text["_id"]
    assert [e["version"] for e in documents.texts.history(7, text["_id"])] == [1]


def test_delete_takes_the_lock_too(doc: dict[str, Any], write_path: str) -> None:
    store.history_collection.insert_one(
        {"doc": doc["_id"], "project": 7, "version": 1, "at": datetime.now(UTC)}
    )

    with pytest.raises(Conflict):
        store.delete(7, doc["_id"], 1, "ben")
    store.history_collection.delete_many({"doc": doc["_id"]})
    store.delete(7, doc["_id"], 1, "ben")

    assert store.collection.count_documents({"_id": doc["_id"]}) == 0
    [entry] = store.history_collection.find({"doc": doc["_id"]})
    assert (entry["op"], entry["by"], entry["snapshot"]["title"]) == ("delete", "ben", "Frog story")


def test_a_bulk_write_skips_the_documents_whose_lock_another_writer_holds(mongo_db: Any) -> None:
    from annotations.linguistic_api import documents

    a, b, c = (documents.texts.insert(7, {"title": t}, "ana") for t in ("A", "B", "C"))
    documents.texts.history_collection.insert_one(
        {"doc": b["_id"], "project": 7, "version": 1, "at": datetime.now(UTC)}
    )
    documents.texts.collection.delete_one({"_id": c["_id"]})  # gone, without history

    written = documents.bulk_update(
        documents.texts, 7, {d["_id"]: (d, {"title": d["title"] + "!"}) for d in (a, b, c)}, "ben"
    )

    assert written == 1
    assert documents.texts.get(7, a["_id"])["title"] == "A!"
    assert documents.texts.get(7, b["_id"])["version"] == 1
    entries = {e["doc"]: e.get("by") for e in documents.texts.history_collection.find({})}
    assert entries == {a["_id"]: "ben", b["_id"]: None}


def test_a_lock_its_writer_left_long_ago_is_cleared_by_the_next_writer(
    doc: dict[str, Any], write_path: str
) -> None:
    # A writer died between its history entry and its update (one command a step, MongoDB 7).
    left = datetime.now(UTC) - timedelta(seconds=STALE_LOCK_S + 1)
    store.history_collection.insert_one(
        {"doc": doc["_id"], "project": 7, "version": 1, "op": "update", "by": "cem", "at": left}
    )

    after = store.update(7, doc["_id"], 1, {"title": "Ben's title"}, "ben", current=doc)

    assert after["version"] == 2
    [entry] = store.history(7, doc["_id"])
    assert (entry["version"], entry["by"]) == (1, "ben")


def test_a_failed_write_after_the_document_leaves_it_written_and_tells_the_listeners(
    doc: dict[str, Any], write_path: str, monkeypatch: Any
) -> None:
    from fieldmark.storage import versioned
    from fieldmark.storage.mongo import Step

    heard: list[tuple[str, list[str], bool]] = []
    bad = Step("probe_side", "update", filter={"_id": 1}, update={"$bogus": {"x": 1}})
    monkeypatch.setattr(versioned, "write_steps", [lambda *_: [bad]])
    monkeypatch.setattr(
        versioned,
        "write_listeners",
        [lambda name, _p, ids, stepped=False: heard.append((name, ids, stepped))],
    )

    after = store.update(7, doc["_id"], 1, {"title": "Ben's title"}, "ben", current=doc)

    assert store.get(7, doc["_id"]) == after
    assert [e["by"] for e in store.history(7, doc["_id"])] == ["ben"]
    assert heard[0] == ("probe_docs", [doc["_id"]], False)  # the listener makes its write again
