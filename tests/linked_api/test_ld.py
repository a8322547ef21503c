"""Dereferenceable IRIs, per-resource and whole-project export, and the sync's health line."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from annotations.linked_api import sync
from tests.linked_api.conftest import small_corpus

pytestmark = pytest.mark.django_db
LIGT = "http://purl.org/ligt/ligt-0.2#"


@pytest.fixture
def corpus(team: Any, graph_store: Any) -> dict[str, Any]:
    return small_corpus(team.project, team.owner)


def test_an_utterance_iri_answers_turtle_to_rdf_clients(
    team: Any, corpus: Any, as_user: Any
) -> None:
    utt = corpus["utterances"][0]
    response = as_user(team.viewer).get(
        f"/ld/lezgi/utterance/{utt['_id']}", HTTP_ACCEPT="text/turtle"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.content, format="turtle")
    node = URIRef(sync.iris_for(team.project).of("utterance", utt["_id"]).value)
    assert graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == Literal(
        "gada 0", lang="lez"
    )
    morph = URIRef(f"{node}#w0.m1")
    assert graph.value(morph, URIRef(LIGT + "gloss")) == Literal("NOM")
    assert (URIRef(f"{node}#w0.m0"), URIRef(LIGT + "nextMorph"), morph) in graph


def test_a_browser_gets_a_readable_page_with_links(team: Any, corpus: Any, as_user: Any) -> None:
    response = as_user(team.viewer).get(
        "/ld/lezgi/entry/e-gada", HTTP_ACCEPT="text/html,application/xhtml+xml"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "ontolex:LexicalEntry" in page
    assert 'href="/ld/lezgi/entry/e-gada#sense-s1"' in page


def test_a_text_iri_carries_its_utterances_and_json_ld_is_negotiated(
    team: Any, corpus: Any, as_user: Any
) -> None:
    text = corpus["text"]
    response = as_user(team.viewer).get(
        f"/ld/lezgi/text/{text['_id']}", HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="json-ld")
    assert (
        len(
            set(
                graph.subjects(
                    URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    URIRef(LIGT + "Utterance"),
                )
            )
        )
        == 2
    )


def test_private_resources_are_404_to_strangers_and_anonymous(
    team: Any, corpus: Any, as_user: Any
) -> None:
    path = f"/ld/lezgi/utterance/{corpus['utterances'][0]['_id']}"
    for user in (team.outsider, None):
        response = as_user(user).get(path, HTTP_ACCEPT="text/turtle")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    team.project.visibility = "public"
    team.project.save()
    assert as_user(None).get(path, HTTP_ACCEPT="text/turtle").status_code == 200


def test_unknown_resources_are_404(team: Any, corpus: Any, as_user: Any) -> None:
    client = as_user(team.viewer)
    assert client.get("/ld/lezgi/utterance/nope", HTTP_ACCEPT="text/turtle").status_code == 404
    assert client.get("/ld/lezgi/planet/1", HTTP_ACCEPT="text/turtle").status_code == 404


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"])
def test_project_export_in_every_format_parses(
    team: Any, corpus: Any, as_user: Any, graph_store: Any, fmt: str
) -> None:
    from rdflib import Dataset

    response = as_user(team.viewer).get(f"/api/v1/projects/lezgi/rdf/?format={fmt}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rdflib_format = {
        "jsonld": "json-ld",
        "rdfxml": "xml",
        "ntriples": "nt",
        "nquads": "nquads",
        "trig": "trig",
        "turtle": "turtle",
    }[fmt]
    expected = graph_store.count(sync.iris_for(team.project).graph)
    if fmt in ("trig", "nquads"):
        dataset = Dataset().parse(data=data, format=rdflib_format)
        assert sum(1 for _ in dataset.quads()) == expected
    else:
        assert len(Graph().parse(data=data, format=rdflib_format)) == expected


def test_one_entry_export_and_a_bad_format(team: Any, corpus: Any, as_user: Any) -> None:
    client = as_user(team.viewer)
    response = client.get("/api/v1/projects/lezgi/rdf/?format=ntriples&entry=e-gada")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines and all(
        "/ld/lezgi/entry/e-gada" in line or "/ld/lezgi/lexicon" in line for line in lines
    )
    bad = client.get("/api/v1/projects/lezgi/rdf/?format=yaml")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"format"}


def test_health_reports_the_sync_lag(team: Any, graph_store: Any, api: Any) -> None:
    from annotations.linguistic_api import services

    services.create_text(team.owner, team.project, {"title": "Queued"})
    line = api.get("/api/health").json()["components"]["rdf_sync"]
    assert line["ok"] is True
    assert line["pending"] == 2  # the text and the project's lexicon/document resource
    assert line["lag_s"] >= 0
    sync.drain(team.project)
    assert api.get("/api/health").json()["components"]["rdf_sync"]["pending"] == 0


def test_the_json_ld_context_is_published_and_compacts_the_export(
    team: Any, corpus: Any, as_user: Any, graph_store: Any
) -> None:
    import json

    from annotations.linked.vocab import PREFIXES

    # Given the published context, fetched by anyone
    published = as_user(None).get("/ld/context.jsonld")
    assert published.status_code == 200
    assert published["Content-Type"] == "application/ld+json; charset=utf-8"
    context = published.json()["@context"]
    assert context == PREFIXES
    # When the project is exported as JSON-LD, the answer names the context
    export = as_user(team.viewer).get("/api/v1/projects/lezgi/rdf/?format=jsonld")
    assert export["Link"] == (
        "<https://fieldmark.example.org/ld/context.jsonld>; "
        'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )
    expanded = Graph().parse(data=b"".join(export.streaming_content), format="json-ld")
    # Then a document compacted with the context means the same triples as the expanded one
    utt = URIRef(sync.iris_for(team.project).of("utterance", corpus["utterances"][0]["_id"]).value)
    morph = f"{utt}#w0.m1"
    compact = {"@context": context, "@id": morph, "ligt:gloss": "NOM"}
    parsed = Graph().parse(data=json.dumps(compact), format="json-ld")
    assert set(parsed) == {(URIRef(morph), URIRef(LIGT + "gloss"), Literal("NOM"))}
    assert set(parsed) <= set(expanded)
