"""The storage adapters against real servers: MongoDB wire (embedded or MONGO_URL), Oxigraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymongo import ASCENDING, IndexModel
from rdflib import Literal, URIRef

from fieldmark.storage import mongo, rdf
from fieldmark.storage.embedded import free_port, oxigraph_server


def test_registered_indexes_are_created(mongo_db: Any) -> None:
    mongo.register_indexes(
        "probe", [IndexModel([("project", ASCENDING), ("n", ASCENDING)], name="project_n")]
    )

    created = mongo.ensure_indexes()

    assert created["probe"] == ["project_n"]
    assert "project_n" in mongo.collection("probe").index_information()


def test_client_is_shared_and_roundtrips_documents(mongo_db: Any) -> None:
    assert mongo.get_client() is mongo.get_client()
    mongo.collection("probe").insert_many([{"n": i} for i in range(100)])

    assert mongo.collection("probe").count_documents({"n": {"$gte": 50}}) == 50


def test_oxigraph_path_store_keeps_triples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDMARK_RDF_STORE", str(tmp_path / "store"))
    rdf.close()
    try:
        dataset = rdf.get_dataset()
        graph = dataset.graph(URIRef("https://example.org/g"))
        graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
        rdf.ping()
        rows = list(dataset.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert [str(row[0]) for row in rows] == ["o"]  # type: ignore[index]
    finally:
        rdf.close()


def test_an_on_disk_store_reopens_while_an_old_handle_is_still_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test (or a code path) that switches to an endpoint and back closes the dataset while a
    ``LocalStore`` from before may still be alive; the reopen must not trip RocksDB's lock on
    the directory ("lock hold by current process", seen in CI) and sees the same triples."""
    from annotations.linked_api.store import LocalStore, get_store

    monkeypatch.setenv("FIELDMARK_RDF_STORE", str(tmp_path / "store"))
    rdf.close()
    try:
        held = get_store()
        assert isinstance(held, LocalStore)
        triple = (URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o"))
        rdf.get_dataset().graph(URIRef("https://example.org/g")).add(triple)
        rdf.close()

        reopened = rdf.get_dataset()

        rows = list(reopened.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert [str(row[0]) for row in rows] == ["o"]  # type: ignore[index]
        assert len(held.store) == 1
    finally:
        rdf.close()


def test_sparql_endpoint_store_through_the_oxigraph_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = oxigraph_server(tmp_path / "ox", free_port(), tmp_path / "ox.log").start()
    monkeypatch.setenv("FIELDMARK_RDF_STORE", server.url)
    rdf.close()
    try:
        dataset = rdf.get_dataset()
        dataset.update(
            "INSERT DATA { GRAPH <https://example.org/g> "
            "{ <https://example.org/s> <https://example.org/p> 'über' } }"
        )
        rdf.ping()
        rows = list(dataset.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert [str(row[0]) for row in rows] == ["über"]  # type: ignore[index]
    finally:
        rdf.close()
        server.stop()
