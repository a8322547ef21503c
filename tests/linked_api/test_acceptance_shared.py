"""Issue 8's acceptance: a project with the real Lezgi corpus (all 701 records of
lez-train-track2-uncovered), the real Enggano LIFT lexicon and a coded face video exports as
Turtle and JSON-LD that parse in rdflib, pass the SHACL shapes, and re-import to the same data.

Counts are made from the files themselves (regular expressions over the Toolbox lines, lxml
over the LIFT), not by our importers."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from annotations.linguistic_api import documents, services
from annotations.linked_api import imports, sync
from fieldmark.projects import services as projects
from tests.linked_api import helpers

pytestmark = pytest.mark.django_db
LIGT = Namespace("http://purl.org/ligt/ligt-0.2#")
ONTOLEX = Namespace("http://www.w3.org/ns/lemon/ontolex#")
LIME = Namespace("http://www.w3.org/ns/lemon/lime#")


def enrich(team: Any) -> dict[str, Any]:
    """Links a user adds: a morph to an entry and sense, external IRIs, an example's source."""
    owner, project = team.owner, team.project
    entry = documents.lexicon.collection.find_one({"project": project.pk}, sort=[("id", 1)])
    utt = documents.utterances.collection.find_one({"project": project.pk}, sort=[("order", 1)])
    assert entry is not None and utt is not None
    sense = entry["senses"][0]
    words = utt["words"]
    words[0]["morphemes"][0].update(lemma=entry["id"], sense=sense["id"])
    services.replace_utterance(owner, project, utt["_id"], utt["version"], {**utt, "words": words})
    body = {k: v for k, v in entry.items() if k not in helpers.SYSTEM}
    body["iris"] = ["http://dbpedia.org/resource/Wing"]
    body["senses"][0] = {
        **sense,
        "iris": ["https://concepticon.clld.org/parameters/1257"],
        "examples": [{"text": "an example", "lang": "eno", "utterance": utt["_id"]}],
    }
    services.replace_entry(owner, project, entry["_id"], entry["version"], body)
    return {"entry": entry["id"], "utterance": utt["_id"]}


@pytest.fixture
def world(team: Any, graph_store: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    helpers.load_corpus(team.project, helpers.lezgi())
    helpers.load_lift(team.project)
    video, layer = helpers.coded_video(team.project, team.owner)
    links = enrich(team)
    sync.drain(team.project)
    return {"video": video, "layer": layer, **links}


def test_export_parses_passes_shacl_and_reimports_to_the_same_data(
    team: Any, world: dict[str, Any], as_user: Any, graph_store: Any
) -> None:
    client = as_user(team.viewer)
    turtle = client.get("/api/v1/projects/lezgi/rdf/?format=turtle")
    jsonld = client.get("/api/v1/projects/lezgi/rdf/", HTTP_ACCEPT="application/ld+json")
    assert turtle.status_code == jsonld.status_code == 200
    assert jsonld["Content-Type"].startswith("application/ld+json")
    ttl_bytes = b"".join(turtle.streaming_content)
    json_bytes = b"".join(jsonld.streaming_content)

    from_turtle = Graph().parse(data=ttl_bytes, format="turtle")
    from_jsonld = Graph().parse(data=json_bytes, format="json-ld")
    triples = graph_store.count(sync.iris_for(team.project).graph)
    assert len(from_turtle) == len(from_jsonld) == triples
    assert set(from_turtle) == set(from_jsonld)
    conforms, report = helpers.shacl(from_turtle)
    assert conforms, report[:3000]

    # The graph holds what the files hold, counted from the files.
    lez, lift = helpers.lezgi_counts(), helpers.lift_counts()
    assert lez == {"utterances": 701, "words": 7029, "morphs": 10497}
    assert lift == {"entries": 1283, "senses": 1404}

    def count(cls: URIRef) -> int:
        return len(set(from_turtle.subjects(RDF.type, cls)))

    assert count(LIGT.Utterance) == lez["utterances"]
    assert count(LIGT.Word) == lez["words"]
    assert count(LIGT.Morph) == lez["morphs"]
    assert count(ONTOLEX.LexicalEntry) == lift["entries"]
    assert count(ONTOLEX.LexicalSense) == lift["senses"]
    lexicon = URIRef(sync.iris_for(team.project).lexicon.value)
    assert from_turtle.value(lexicon, LIME.lexicalEntries).toPython() == lift["entries"]
    file_glosses = Counter(
        piece
        for line in re.findall(r"(?m)^\\g (.*)$", helpers.lezgi().decode())
        for word in line.split()
        for piece in re.split(r"[-=]", word)
    )
    graph_glosses = Counter(
        str(g) for m in from_turtle.subjects(RDF.type, LIGT.Morph)
        for g in from_turtle.objects(m, LIGT.gloss)
    )  # fmt: skip
    assert graph_glosses == file_glosses

    iris = sync.iris_for(team.project)
    layer = URIRef(iris.of("layer", world["layer"]["_id"]).value)
    selectors = {
        str(from_turtle.value(URIRef(f"{layer}#s{n}.selector"), RDF.value)) for n in (0, 1)
    }
    assert selectors == {"t=0,0.8", "t=0.8,1.6"}
    entry = URIRef(iris.of("entry", world["entry"]).value)
    assert (
        entry,
        URIRef("http://www.w3.org/2002/07/owl#sameAs"),
        URIRef("http://dbpedia.org/resource/Wing"),
    ) in from_turtle

    before = (
        helpers.text_heads(team.project.pk),
        helpers.corpus(team.project.pk),
        helpers.lexicon(team.project.pk),
    )
    for data, fmt in ((ttl_bytes, "turtle"), (json_bytes, "jsonld")):
        other = projects.create_project(team.owner, {"name": fmt, "slug": f"copy-{fmt}"})
        counts = imports.import_rdf(other, io.BytesIO(data), fmt, f"rdf-{fmt}", "owner")
        assert counts == {
            "texts": 1,
            "utterances": lez["utterances"],
            "entries": lift["entries"],
        }
        after = (helpers.text_heads(other.pk), helpers.corpus(other.pk), helpers.lexicon(other.pk))
        # The example's utterance is the copy's utterance now: compare it by content.
        copied_utt = after[2] and _example_ref(after[2], world["entry"])
        original = documents.utterances.collection.find_one({"_id": copied_utt})
        assert original is not None and original["project"] == other.pk
        assert after[0] == before[0]
        assert after[1] == before[1]
        assert _without_refs(after[2]) == _without_refs(before[2])


def _example_ref(entries: list[dict[str, Any]], entry_id: str) -> str:
    entry = next(e for e in entries if e["id"] == entry_id)
    return str(entry["senses"][0]["examples"][0]["utterance"])


def _without_refs(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        senses = [
            {
                **s,
                "examples": [
                    {k: v for k, v in e.items() if k != "utterance"} for e in s.get("examples", [])
                ],
            }
            for s in entry.get("senses", [])
        ]
        out.append({**entry, "senses": senses})
    return out
