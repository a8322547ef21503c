"""The SPARQL endpoint: queries only, the project's graph only, a timeout and a row cap."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from annotations.linked_api import sparql, sync
from fieldmark.projects import services as projects
from tests.linked_api.conftest import graph_set, small_corpus

pytestmark = pytest.mark.django_db

PREFIX = (
    "PREFIX ligt: <http://purl.org/ligt/ligt-0.2#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
GLOSS_COUNTS = (
    PREFIX + "SELECT ?gloss (COUNT(?m) AS ?n) WHERE { ?m a ligt:Morph ; ligt:gloss ?gloss } "
    "GROUP BY ?gloss ORDER BY DESC(?n) ?gloss"
)


@pytest.fixture
def two_projects(team: Any, graph_store: Any, make_user: Any) -> dict[str, Any]:
    stranger = make_user("stranger")
    secret = projects.create_project(stranger, {"name": "Secret", "slug": "secret"})
    small_corpus(team.project, team.owner)
    small_corpus(secret, stranger, gloss="SECRET")
    return {"secret": secret, "stranger": stranger}


def url(slug: str = "lezgi") -> str:
    return f"/api/v1/projects/{slug}/sparql"


def rows(response: Any) -> list[dict[str, str]]:
    return [
        {k: v["value"] for k, v in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


def test_select_returns_sparql_json_of_the_project(
    team: Any, two_projects: Any, as_user: Any
) -> None:
    response = as_user(team.viewer).get(url(), {"query": GLOSS_COUNTS})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert response.json()["head"] == {"vars": ["gloss", "n"]}
    assert rows(response) == [
        {"gloss": "NOM", "n": "2"},
        {"gloss": "boy", "n": "2"},
        {"gloss": "come.AOR", "n": "2"},
    ]


def test_post_form_and_sparql_query_bodies(team: Any, two_projects: Any, as_user: Any) -> None:
    client = as_user(team.viewer)
    form = client.post(url(), {"query": GLOSS_COUNTS}, format="multipart")
    direct = client.generic("POST", url(), GLOSS_COUNTS, content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert rows(form) == rows(direct)


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_results_formats_by_accept(
    team: Any, two_projects: Any, as_user: Any, accept: str, content_type: str
) -> None:
    response = as_user(team.viewer).get(url(), {"query": GLOSS_COUNTS}, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    body = response.content.decode()
    if content_type == "text/csv":
        assert list(csv.reader(io.StringIO(body))) == [
            ["gloss", "n"], ["NOM", "2"], ["boy", "2"], ["come.AOR", "2"]
        ]  # fmt: skip
    elif content_type.endswith("xml"):
        assert '<variable name="gloss"/>' in body and "<literal>NOM</literal>" in body
    else:
        assert body.splitlines()[:2] == [
            "?gloss\t?n",
            '"NOM"\t"2"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ]


def test_construct_answers_turtle(team: Any, two_projects: Any, as_user: Any) -> None:
    query = (
        PREFIX + "CONSTRUCT { ?m ligt:gloss ?g } WHERE { ?m ligt:gloss 'NOM' . ?m ligt:gloss ?g }"
    )
    response = as_user(team.viewer).get(url(), {"query": query}, HTTP_ACCEPT="text/turtle")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.content.decode().count('"NOM"') == 2


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("INSERT DATA { <http://x/s> <http://x/p> 'o' }", "update_refused"),
        ("DELETE WHERE { ?s ?p ?o }", "update_refused"),
        ("LOAD <http://example.org/data.ttl>", "update_refused"),
        ("DROP ALL", "update_refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "service_refused"),
        ("SELECT WHERE {", "invalid_query"),
        ("", "invalid_query"),
    ],
)
def test_updates_services_and_garbage_are_refused_and_change_nothing(
    team: Any, two_projects: Any, as_user: Any, graph_store: Any, query: str, code: str
) -> None:
    before = graph_set(graph_store, team.project)
    response = as_user(team.owner).get(url(), {"query": query})
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["fields"] == {"query": [response.json()["detail"]]}
    assert graph_set(graph_store, team.project) == before


def test_post_update_parameter_is_refused(
    team: Any, two_projects: Any, as_user: Any, graph_store: Any
) -> None:
    before = graph_set(graph_store, team.project)
    response = as_user(team.owner).post(url(), {"update": "DROP ALL"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"] == "update_refused"
    assert graph_set(graph_store, team.project) == before


@pytest.mark.parametrize(
    "query",
    [
        PREFIX + "SELECT ?g WHERE { ?m ligt:gloss ?g }",
        PREFIX + "SELECT ?g FROM <{graph}> WHERE { ?m ligt:gloss ?g }",  # noqa: S608 - SPARQL
        PREFIX + "SELECT ?g FROM NAMED <{graph}> WHERE { GRAPH ?x { ?m ligt:gloss ?g } }",  # noqa: S608
        PREFIX + "SELECT ?g WHERE { GRAPH <{graph}> { ?m ligt:gloss ?g } }",
        PREFIX + "SELECT ?g WHERE { GRAPH ?any { ?m ligt:gloss ?g } }",
    ],
)
def test_another_projects_graph_gives_nothing_of_it(
    team: Any, two_projects: Any, as_user: Any, query: str
) -> None:
    graph = sync.iris_for(two_projects["secret"]).graph.value
    response = as_user(team.owner).get(url(), {"query": query.replace("{graph}", graph)})
    assert response.status_code == 200
    assert "SECRET" not in {row.get("g") for row in rows(response)}


def test_row_cap_truncates(team: Any, two_projects: Any, as_user: Any, settings: Any) -> None:
    settings.FIELDMARK_SPARQL_MAX_ROWS = 3
    response = as_user(team.viewer).get(url(), {"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert len(rows(response)) == 3
    assert response["X-Fieldmark-Truncated"] == "true"


def test_a_query_past_the_timeout_is_stopped(
    team: Any, two_projects: Any, as_user: Any, settings: Any
) -> None:
    # A three-way cross product of the project's triples: under a second's work, far more
    # than the 10 ms allowed here (the thread ends soon after, so nothing runs on).
    settings.FIELDMARK_SPARQL_TIMEOUT_S = 0.01
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = as_user(team.viewer).get(url(), {"query": slow})
    assert response.status_code == 400
    assert response.json()["error"] == "query_timeout"


def test_strangers_and_anonymous_callers(team: Any, two_projects: Any, as_user: Any) -> None:
    assert as_user(team.outsider).get(url(), {"query": GLOSS_COUNTS}).status_code == 404
    assert as_user(None).get(url(), {"query": GLOSS_COUNTS}).status_code == 401
    team.project.visibility = "public"
    team.project.save()
    assert as_user(None).get(url(), {"query": GLOSS_COUNTS}).status_code == 200


def test_check_query_names_the_form() -> None:
    assert sparql.check_query("ASK { ?s ?p ?o }") == "ASK"
    assert sparql.check_query("DESCRIBE <http://x/>") == "DESCRIBE"


def test_the_worked_examples_answer(
    team: Any, graph_store: Any, as_user: Any, settings: Any, tmp_path: Any
) -> None:
    from annotations.linked.vocab import worked_examples
    from tests.linked_api import helpers

    settings.MEDIA_ROOT = tmp_path
    small_corpus(team.project, team.owner)
    helpers.coded_video(team.project, team.owner)
    sync.drain(team.project)
    client = as_user(team.viewer)
    answers = {}
    for example in worked_examples():
        response = client.get(url(), {"query": example["query"]})
        assert response.status_code == 200, response.content
        answers[example["name"]] = rows(response)
    assert [r["form"] for r in answers["Concordance of a gloss"]] == ["-di", "-di"]
    assert answers["Gloss counts"][0] == {"gloss": "NOM", "n": "2"}
    assert [r["headword"] for r in answers["Entries without senses"]] == ["ruš"]
    assert answers["AU co-occurrence"] == [{"first": "AU12", "second": "AU6", "segments": "1"}]
