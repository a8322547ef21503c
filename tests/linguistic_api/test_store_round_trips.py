"""What saves, bulk edits and exports ask of the store, counted at the driver: a save touches
only the postings of what changed in a fixed number of round trips, a CSV export reads its
languages from the vocabulary, and a text is read in windows of ``order``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import monitoring

from annotations.linguistic_api import concordance, documents, exports, services
from fieldmark.storage import mongo

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
DATA = "".join(
    f"\\t w{i} sad\n\\m w{i}-ar sad\n\\p N-PL NUM\n\\g house-PL one\n\\l house {i}\n\n"
    for i in range(30)
).encode()


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, Any]]] = []
        self.on = False

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.on:
            name = event.command_name
            self.seen.append((name, str(event.command.get(name)), dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def commands(mongo_db: Any) -> Iterator[Commands]:
    listener = Commands()
    monitoring.register(listener)  # clients made from now on report to it
    mongo.reset_client()
    try:
        yield listener
    finally:
        listener.on = False
        monitoring._LISTENERS.command_listeners.remove(listener)
        mongo.reset_client()


def _plan(collection: str, command: dict[str, Any]) -> tuple[str, str]:
    """The index the store's planner picks for a ``find`` (``COLLSCAN`` when none)."""
    explained = mongo.get_db().command(
        "explain", {"find": collection, "filter": command["filter"]}, verbosity="queryPlanner"
    )
    stage = explained["queryPlanner"]["winningPlan"]
    while "indexName" not in stage and "inputStage" in stage:
        stage = stage["inputStage"]
    return collection, str(stage.get("indexName", stage.get("stage")))


def _load(team: Any) -> list[dict[str, Any]]:
    services.import_file(team.project, lambda: io.BytesIO(DATA), "toolbox", "t.txt", "j1", "m")
    return list(documents.utterances.find(team.project.pk, {}, sort=[("order", 1)]))


def _body(doc: dict[str, Any], gloss: str) -> dict[str, Any]:
    words = json.loads(json.dumps(doc["words"]))
    words[0]["morphemes"][1]["gloss"] = gloss
    return {"order": doc["order"], "words": words, "translations": doc["translations"]}


def _steps(command: dict[str, Any]) -> list[tuple[str, str]]:
    """A cross-collection ``bulkWrite``'s operations, as (kind, collection)."""
    names = [entry["ns"].split(".", 1)[1] for entry in command["nsInfo"]]
    kinds = ("insert", "update", "delete")
    return [(kind, names[op[kind]]) for op in command["ops"] for kind in kinds if kind in op]


def test_a_save_of_one_gloss_takes_five_round_trips_and_moves_only_that_posting(
    team: Any, commands: Commands
) -> None:
    docs = _load(team)
    concordance.add_vocab(team.project.pk, {"gloss": {"one"}})  # what a first save would learn
    before = {
        (b["field"], b["value"]): list(b["e"])
        for b in concordance.postings().find({"project": team.project.pk})
    }

    commands.on = True
    services.replace_utterance(
        team.annotator, team.project, docs[1]["_id"], 1, _body(docs[1], "one")
    )
    commands.on = False
    after = {
        (b["field"], b["value"]): list(b["e"])
        for b in concordance.postings().find({"project": team.project.pk})
    }

    assert [(name, coll) for name, coll, _ in commands.seen] == [
        ("find", "utterances"),  # the current document
        ("bulkWrite", "1"),  # the versioned write, below
        ("find", "concordance"),  # the text's buckets of both glosses, in one read
        ("update", "concordance"),  # pull from PL, push to one, in one bulk write
        ("find", "concordance_vocab"),  # the vocabulary's stamps (its values are known)
    ]
    # One ordered round trip: the history entry first (the version lock), the update, the
    # linked-data sync's outbox entries (the utterance's, and the text's is not touched).
    [write] = [command for name, _, command in commands.seen if name == "bulkWrite"]
    assert write["ordered"] is True
    assert _steps(write) == [
        ("insert", "utterances_history"),
        ("update", "utterances"),
        ("update", "rdf_outbox"),
    ]
    assert write["ops"][1]["filter"] == {"_id": docs[1]["_id"], "version": 1}
    # Each read is answered by an index: the embedded server scans the collection otherwise.
    plans = [_plan(coll, command) for name, coll, command in commands.seen if name == "find"]
    assert plans == [
        ("utterances", "project_1__id_1"),
        ("concordance", "project_1_text_1_field_1_value_1"),
        ("concordance_vocab", "_id_"),
    ]
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed == {("gloss", "PL"), ("gloss", "one")}
    assert len(after["gloss", "PL"]) == 29
    head = f"{docs[1]['text']}.00000001.{docs[1]['_id']}."
    assert head + "2" in after["gloss", "one"] and head + "1" not in after["gloss", "one"]


def test_a_save_with_a_new_gloss_adds_it_to_the_vocabulary_in_place(
    team: Any, commands: Commands
) -> None:
    docs = _load(team)
    concordance.add_vocab(team.project.pk, {"gloss": {"one"}})

    commands.on = True
    services.replace_utterance(
        team.annotator, team.project, docs[1]["_id"], 1, _body(docs[1], "brandnew")
    )
    commands.on = False
    vocab_ops = [
        (name, sorted(command.get("updates", [{}])[0].get("u", {})))
        for name, coll, command in commands.seen
        if coll == "concordance_vocab"
    ]
    found = concordance.lookup(team.project.pk, "gloss", "brand", "prefix")

    # The stamps, then one in-place $addToSet: the vocabulary is not read or written whole.
    assert vocab_ops == [("find", []), ("update", ["$addToSet", "$inc", "$setOnInsert"])]
    assert found.values == frozenset({"brandnew"})
    assert found.utterances == [docs[1]["_id"]]


def test_a_bulk_gloss_edit_reads_and_writes_the_postings_once(
    team: Any, commands: Commands, as_user: Any
) -> None:
    _load(team)

    commands.on = True
    response = as_user(team.manager).post(
        f"{BASE}/glossing/replace/", {"gloss": "house", "to": "home"}, format="json"
    )
    commands.on = False
    postings_ops = [name for name, coll, _ in commands.seen if coll == "concordance"]
    hits = as_user(team.viewer).get(f"{BASE}/concordance/?field=gloss&q=home").json()

    assert response.status_code == 200, response.json()
    assert response.json()["utterances"] == 30
    # The candidates' lookup, then one read and one write of the buckets (a pull from "house";
    # "home" is new, so its bucket is an insert).
    assert postings_ops == ["find", "find", "update", "insert"]
    assert (hits["count"], hits["hits"]) == (30, 30)


def test_csv_export_reads_languages_from_the_vocabulary_and_texts_by_order_windows(
    team: Any, commands: Commands, as_user: Any
) -> None:
    _load(team)

    commands.on = True
    response = as_user(team.viewer).get(f"{BASE}/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    commands.on = False
    utterance_reads = [cmd["filter"] for name, coll, cmd in commands.seen
                       if (name, coll) == ("find", "utterances")]  # fmt: skip

    assert len(rows) == 90
    assert rows[0]["translation:en"] == "house 0"
    assert all("text" in query and "order" in query for query in utterance_reads)
    assert utterance_reads[0]["order"] == {"$gte": 0, "$lt": exports.WINDOW}


def test_json_export_of_a_text_with_gaps_and_a_stale_count_has_every_utterance_in_order(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    docs = _load(team)
    moved = {docs[3]["_id"]: 5_000, docs[4]["_id"]: 10**7, docs[5]["_id"]: 7_500}
    for doc_id, order in moved.items():
        documents.utterances.collection.update_one({"_id": doc_id}, {"$set": {"order": order}})
    documents.texts.collection.update_one(
        {"_id": docs[0]["text"]}, {"$set": {"utterance_count": 2}}
    )

    response = as_user(team.viewer).get(f"{BASE}/export/?format=json")
    [line] = b"".join(response.streaming_content).decode().splitlines()
    orders = [u["order"] for u in json.loads(line)["utterances"]]

    assert orders == [0, 1, 2, *range(6, 30), 5_000, 7_500, 10**7]


def test_json_export_writes_the_stored_shape_exactly_as_the_format_writer_does(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    from annotations.linguistic.formats import json as json_format
    from annotations.linguistic_api.services.export import _texts_streamed

    _load(team)

    response = as_user(team.viewer).get(f"{BASE}/export/?format=json")
    streamed = b"".join(response.streaming_content).decode()
    through_dataclasses = "".join(json_format.dumps_streamed(_texts_streamed(team.project)))

    assert streamed == through_dataclasses
