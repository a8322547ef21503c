"""A SPARQL 1.1 server as the store (``FIELDMARK_RDF_STORE=http://…``): a second real Oxigraph
server, started as a child process, takes the sync, the rebuild, the exports and the SPARQL
endpoint through ``RemoteStore``; and a deleted project's graph goes, nothing of another's."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, URIRef

from annotations.linguistic_api import documents, services
from annotations.linked_api import rebuild, retire, sync
from annotations.linked_api.store import RemoteStore, get_store
from fieldmark.projects import services as projects
from fieldmark.storage import mongo, rdf
from fieldmark.storage.embedded import free_port, oxigraph_server
from tests.linked_api.conftest import graph_set, mapping, small_corpus

pytestmark = pytest.mark.django_db

GLOSSES = (
    "PREFIX ligt: <http://purl.org/ligt/ligt-0.2#> "
    "SELECT ?gloss (COUNT(?m) AS ?n) WHERE { ?m a ligt:Morph ; ligt:gloss ?gloss } "
    "GROUP BY ?gloss ORDER BY ?gloss"
)


@pytest.fixture
def remote_store(mongo_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server = oxigraph_server(tmp_path / "oxigraph", free_port(), tmp_path / "oxigraph.log")
    server.start()
    monkeypatch.setenv("FIELDMARK_RDF_STORE", server.url)
    rdf.close()
    try:
        store = get_store()
        assert isinstance(store, RemoteStore)
        yield store
    finally:
        rdf.close()  # the next test reopens the suite's on-disk store
        server.stop()


def mapped(project: Any) -> set[str]:
    """The project's graph as the mapping makes it: what the server must hold. (Built without a
    store: a rebuild into a scratch store would also take the project's claim and replace the
    resource records that the server's graph needs.)"""
    return mapping(project)


def sparql_rows(client: Any, slug: str, query: str) -> list[dict[str, str]]:
    response = client.get(
        f"/api/v1/projects/{slug}/sparql", {"query": query}, HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_sync_export_and_sparql_through_a_sparql_server(
    team: Any, remote_store: Any, as_user: Any, make_user: Any
) -> None:
    # Given two projects synced into the server
    stranger = make_user("stranger")
    secret = projects.create_project(stranger, {"name": "Secret", "slug": "secret"})
    corpus = small_corpus(team.project, team.owner)
    small_corpus(secret, stranger, gloss="SECRET")
    expected = mapped(team.project)
    assert len(expected) > 50
    assert graph_set(remote_store, team.project) == expected
    assert remote_store.count(sync.iris_for(team.project).graph) == len(expected)

    # When a gloss is edited and the outbox drained
    utt = documents.utterances.collection.find_one({"_id": corpus["utterances"][0]["_id"]})
    assert utt is not None
    words = utt["words"]
    words[0]["morphemes"][1]["gloss"] = "ERG"
    services.replace_utterance(
        team.owner, team.project, utt["_id"], utt["version"], {**utt, "words": words}
    )
    assert sync.drain(team.project) == 1

    # Then the server holds exactly the mapping of the new documents
    client = as_user(team.viewer)
    assert graph_set(remote_store, team.project) == mapped(team.project)
    assert sparql_rows(client, "lezgi", GLOSSES) == [
        {"gloss": "ERG", "n": "1"},
        {"gloss": "NOM", "n": "1"},
        {"gloss": "boy", "n": "2"},
        {"gloss": "come.AOR", "n": "2"},
    ]
    # and a query naming the other project's graph gets nothing of it
    other = sync.iris_for(secret).graph
    named = f"SELECT ?g WHERE {{ GRAPH {other} {{ ?m ?p ?g }} }}"
    assert sparql_rows(client, "lezgi", named) == []
    from_other = f'SELECT ?m FROM {other} WHERE {{ ?m ?p "SECRET" }}'  # noqa: S608
    assert sparql_rows(client, "lezgi", from_other) == []

    # and the streamed export comes from the server's writer, whole
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        response = client.get(f"/api/v1/projects/lezgi/rdf/?format={fmt}")
        assert response.status_code == 200
        parsed = Graph().parse(data=b"".join(response.streaming_content), format=parser)
        assert len(parsed) == len(expected), fmt
    response = client.get("/api/v1/projects/lezgi/rdf/?format=nquads")
    quads = Dataset().parse(data=b"".join(response.streaming_content), format="nquads")
    assert len(quads.graph(URIRef(sync.iris_for(team.project).graph.value))) == len(expected)

    # and a rebuild through the server gives the same graph, the other project untouched
    secret_before = graph_set(remote_store, secret)
    synced = graph_set(remote_store, team.project)
    rebuild.rebuild(team.project)
    assert graph_set(remote_store, team.project) == synced
    assert graph_set(remote_store, secret) == secret_before

    # and a deleted text takes its utterances out of the graph
    text = documents.texts.collection.find_one({"_id": corpus["text"]["_id"]})
    assert text is not None
    services.delete_text(team.owner, team.project, text["_id"], text["version"])
    sync.drain(team.project)
    assert sparql_rows(client, "lezgi", GLOSSES) == []
    assert graph_set(remote_store, team.project) == mapped(team.project)


def test_a_bulk_write_goes_to_the_server_in_one_post(
    team: Any, remote_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a write of more new triples than one SPARQL Update should carry
    from annotations.linked_api import store as store_module

    monkeypatch.setattr(store_module, "BULK_MIN", 10)
    posts: list[str] = []
    real = RemoteStore._request

    def spy(self: RemoteStore, path: str, *args: Any) -> Any:
        posts.append(path.split("?")[0])
        return real(self, path, *args)

    monkeypatch.setattr(RemoteStore, "_request", spy)
    # When a corpus is synced
    small_corpus(team.project, team.owner)
    # Then the triples went through the Graph Store endpoint, and the graph is the mapping
    assert "/store" in posts
    assert graph_set(remote_store, team.project) == mapped(team.project)


@pytest.mark.parametrize("backend", ["local", "remote"])
def test_deleting_a_project_drops_its_graph_and_nothing_else(
    backend: str, team: Any, make_user: Any, as_user: Any, request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    store = request.getfixturevalue("graph_store" if backend == "local" else "remote_store")
    stranger = make_user("stranger")
    kept = projects.create_project(stranger, {"name": "Kept", "slug": "kept"})
    small_corpus(team.project, team.owner)
    small_corpus(kept, stranger, gloss="KEPT")
    graph = sync.iris_for(team.project).graph
    before, kept_before = graph_set(store, team.project), graph_set(store, kept)
    assert before and kept_before

    # A manager may not delete the project: nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        denied = as_user(team.manager).delete("/api/v1/projects/lezgi/")
    assert denied.status_code == 403
    assert graph_set(store, team.project) == before

    # The owner deletes it: its graph is gone, the other project's is whole
    with django_capture_on_commit_callbacks(execute=True):
        deleted = as_user(team.owner).delete("/api/v1/projects/lezgi/")
    assert deleted.status_code == 204
    assert store.count(graph) == 0
    assert graph_set(store, kept) == kept_before
    # and the purge left neither a graph of the project's name nor its pointer, nor a marker
    assert store.graphs(graph.value) == []
    assert store.live(graph) == graph
    assert mongo.collection(retire.RETIRED).count_documents({}) == 0


@pytest.mark.parametrize("backend", ["local", "remote"])
def test_a_project_made_again_under_the_slug_before_the_purge_starts_empty_and_keeps_its_graph(
    backend: str, team: Any, as_user: Any, request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Any, settings: Any,
) -> None:  # fmt: skip
    """The delete only hides the graph (the big drop is the purge's); a project created again
    under the same slug before the purge ran sees none of the old triples, and the purge takes
    the old ones without touching the new project's."""
    store = request.getfixturevalue("graph_store" if backend == "local" else "remote_store")
    settings.FIELDMARK_PURGE_IN_BACKGROUND = True  # the purge is held: no worker consumes it
    small_corpus(team.project, team.owner)
    old_id, graph = team.project.pk, sync.iris_for(team.project).graph
    assert store.live(graph) == graph  # no rebuild yet: the triples are in the name's own graph

    with django_capture_on_commit_callbacks(execute=True):
        deleted = as_user(team.owner).delete("/api/v1/projects/lezgi/")
    assert deleted.status_code == 204
    assert store.count(graph) == 0
    marker = mongo.collection(retire.RETIRED).find_one({"_id": old_id})
    assert marker is not None and marker["drop"] == [graph.value]
    # the old triples are still in the store, in a graph that nothing reads any more
    assert store.graphs(graph.value) == [graph]

    again = projects.create_project(team.owner, {"name": "Lezgi again", "slug": "lezgi"})
    small_corpus(again, team.owner, gloss="AGAIN")
    fresh = graph_set(store, again)
    assert fresh == mapped(again)
    assert not any('"NOM"' in line for line in fresh)

    retire.drop_retired(None, old_id)

    assert graph_set(store, again) == fresh
    assert store.graphs(graph.value) == [store.live(graph)]
    assert mongo.collection(retire.RETIRED).count_documents({}) == 0


def test_a_purge_whose_delete_hook_wrote_no_marker_hides_and_drops_the_graph_by_slug(
    team: Any, graph_store: Any
) -> None:
    """The delete's hook could not reach the store: the purge, told the slug, does both
    steps itself, and leaves no graph, pointer or marker."""
    small_corpus(team.project, team.owner)
    graph = sync.iris_for(team.project).graph
    assert graph_store.count(graph) > 0

    retire.drop_retired(None, team.project.pk, slug=team.project.slug)

    assert graph_store.count(graph) == 0
    assert graph_store.graphs(graph.value) == []
    assert graph_store.live(graph) == graph
    assert mongo.collection(retire.RETIRED).count_documents({}) == 0
