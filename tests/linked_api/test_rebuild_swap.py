"""A rebuild loads a staging graph and swaps it in at once: a SPARQL reader during the rebuild
sees the whole old graph or the whole new one, with the in-process store and with a server;
edits made during the rebuild reach the new graph; the old graph is deleted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import pytest
from pyoxigraph import NamedNode, Triple

from annotations.linguistic_api import documents
from annotations.linguistic_api import services as linguistic
from annotations.linked_api import rebuild, retire, sparql, sync
from annotations.linked_api.store import POINTERS, GraphStore, LocalStore, get_store
from tests.linked_api.conftest import graph_set, small_corpus
from tests.linked_api.test_remote_store import remote_store  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class SlowLoads:
    """The configured store, with every bulk load of the rebuild slowed down and the moment of
    the swap recorded, so that a reader has time to look in between."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.loads = 0
        self.swapped_at: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
        self.store.extend(graph, add)
        self.loads += 1
        time.sleep(0.3)

    def swap(self, graph: NamedNode, new: NamedNode) -> NamedNode:
        self.swapped_at = time.perf_counter()  # a query begun before this must see the old graph
        return self.store.swap(graph, new)


def count(project: Any) -> int:
    return int(sparql.run_query(project, COUNT).rows[0][0].value)


@pytest.mark.parametrize("backend", ["in-process", "server"])
def test_a_reader_during_a_rebuild_sees_the_old_graph_or_the_new(
    team: Any, request: Any, monkeypatch: pytest.MonkeyPatch, settings: Any, backend: str
) -> None:
    # A reader that looked up the live graph just before the swap queries the old one: it is
    # deleted this long after (with none, such a reader saw an empty graph once in five runs).
    settings.FIELDMARK_RDF_SWAP_GRACE_S = 1
    # (the suite's in-process store, emptied; or a second Oxigraph as a server)
    request.getfixturevalue("remote_store" if backend == "server" else "graph_store")
    store = get_store()
    project = team.project
    corpus = small_corpus(project, team.owner)
    before = count(project)
    # Given a note that MongoDB has and the graph does not (written behind the sync's back):
    # the rebuilt graph has exactly one triple more (its rdfs:comment).
    first = corpus["utterances"][0]["_id"]
    documents.utterances.collection.update_one({"_id": first}, {"$set": {"notes": ["rebuilt"]}})
    settings.FIELDMARK_RDF_REBUILD_CHUNK = 5  # a slow load per kind, so the reader sees them
    slow = SlowLoads(store)
    seen: list[tuple[float, int]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append((time.perf_counter(), count(project)))

    # When a reader queries over and over while the graph is rebuilt
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        started = time.perf_counter()
        rebuild.rebuild(project, slow)
        time.sleep(0.1)
    finally:
        stop.set()
        thread.join()

    # Then every answer is the whole old graph or the whole new one: old, then new
    assert slow.loads >= 3 and slow.swapped_at is not None
    during = [n for at, n in seen if started < at < slow.swapped_at]
    # (a query issued just before the swap may run just after it: it sees the new graph, whole)
    assert during.count(before) >= 3, seen
    assert {n for _, n in seen} <= {before, before + 1}
    assert seen[-1][1] == before + 1
    assert [n for _, n in seen] == sorted(n for _, n in seen)
    assert graph_set(store, project) >= {
        f"<{sync.iris_for(project).of('utterance', first).value}> "
        '<http://www.w3.org/2000/01/rdf-schema#comment> "rebuilt" .'
    }


def test_the_old_graph_is_deleted_and_edits_during_a_rebuild_reach_the_new_one(
    team: Any, graph_store: Any, settings: Any
) -> None:
    project = team.project
    corpus = small_corpus(project, team.owner)
    public = sync.iris_for(project).graph
    triples = graph_store.count(public)
    first = corpus["utterances"][0]

    class EditMidway(SlowLoads):
        def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
            if self.loads == 2:  # an edit (and a sync attempt) while the staging graph loads
                doc = documents.utterances.get(project.pk, first["_id"])
                doc["words"][0]["morphemes"][1]["gloss"] = "MIDWAY"
                linguistic.replace_utterance(team.owner, project, doc["_id"], doc["version"], doc)
                assert sync.drain(project) == 0  # waits for the rebuild
            super().extend(graph, add)

    settings.FIELDMARK_RDF_REBUILD_CHUNK = 5
    for _ in range(2):  # the first rebuild replaces the public-named graph, the second its own
        slow = EditMidway(graph_store)
        assert rebuild.rebuild(project, slow) == triples

    live = graph_store.live(public)
    assert live != public and live.value.startswith(public.value + "/r")
    # Nothing is left in the store but the live graph and the pointer to it
    assert isinstance(graph_store, LocalStore)
    graphs = {q.graph_name for q in graph_store.store.quads_for_pattern(None, None, None, None)}
    assert graphs == {live, POINTERS}
    assert len(graph_store.store) == triples + 1
    # and the edit made during the rebuild is in it, as a sync would have put it
    glosses = graph_set(graph_store, project)
    morph = sync.iris_for(project).of("utterance", first["_id"]).value + "#w0.m1"
    assert f'<{morph}> <http://purl.org/ligt/ligt-0.2#gloss> "MIDWAY" .' in glosses
    assert mongo_outbox(project.pk) == 0
    # Retiring the project's graph points its name at an empty graph at once; the purge's
    # step then removes the old live graph and the pointer
    retire.retire(project.pk, project.slug)
    assert graph_store.count(public) == 0
    assert len(graph_store.store) == triples + 1
    retire.drop_retired(None, project.pk)
    assert len(graph_store.store) == 0


def mongo_outbox(project_id: int) -> int:
    from fieldmark.storage import mongo

    return mongo.collection(sync.OUTBOX).count_documents({"project": project_id})
