"""An accepted machine suggestion keeps its provenance (model version, run, probability, who
accepted it, when) on the morph in MongoDB, serves it over REST, exports it as PROV-O; a save
that leaves the value alone keeps it, a person's change of the value drops it everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from annotations.linguistic_api import documents, services
from annotations.linked_api import sync
from mlworkers import suggestions
from mlworkers.documents import suggestions as stored_suggestions
from mlworkers.models import ModelVersion
from tests.linked_api import helpers
from tests.linked_api.conftest import small_corpus

pytestmark = pytest.mark.django_db

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FM = "https://w3id.org/fieldmark/ns#"
BASE = "/api/v1/projects/lezgi"


def unglossed(team: Any) -> dict[str, Any]:
    """An utterance whose suffix has no gloss yet, and a model's pending suggestion for it."""
    corpus = small_corpus(team.project, team.owner)
    utt = services.create_utterance(
        team.owner, team.project, corpus["text"]["_id"],
        {"words": [{"form": "gadadi", "morphemes": [
            {"form": "gada", "gloss": "boy"}, {"form": "di", "sep": "-"}]}]},
    )  # fmt: skip
    version = ModelVersion.objects.create(
        project=team.project, task="gloss", kind="memory", number=3, name="lez-memory"
    )
    stored_suggestions().insert_one(
        {
            "_id": suggestions.doc_id("gloss", utt["_id"]),
            "project": team.project.pk,
            "text": utt["text"],
            "utterance": utt["_id"],
            "utterance_version": utt["version"],
            "task": "gloss",
            "version": version.pk,
            "version_number": 3,
            "run": "job-42",
            "created_at": datetime.now(UTC),
            "items": [
                {"word": 0, "morpheme": 1, "field": "gloss", "label": "ERG", "p": 0.875,
                 "labels": [{"label": "ERG", "p": 0.875}], "status": "pending"},
            ],
        }
    )  # fmt: skip
    return {"utterance": utt, "version": version}


def turtle(client: Any) -> Graph:
    response = client.get(f"{BASE}/rdf/", {"format": "turtle"})
    assert response.status_code == 200
    return Graph().parse(data=b"".join(response.streaming_content), format="turtle")


def test_accepting_a_suggestion_records_and_exports_its_provenance(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    given = unglossed(team)
    utt, version = given["utterance"], given["version"]
    annotator = as_user(team.annotator)

    # When the annotator accepts the model's gloss into the utterance
    response = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {"version": version.pk, "utterance": utt["_id"], "word": 0, "morpheme": 1,
         "label": "ERG", "p": 0.875, "accepted": True, "apply": True},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content

    # Then the morph in MongoDB carries where the gloss came from
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    morph = doc["words"][0]["morphemes"][1]
    entry = morph["provenance"]["gloss"]
    accepted_at = entry.pop("accepted_at")
    assert datetime.fromisoformat(accepted_at) <= datetime.now(UTC)
    assert (morph["gloss"], entry) == (
        "ERG",
        {"value": "ERG", "task": "gloss", "model": version.pk, "model_name": "lez-memory",
         "version": 3, "training_run": None, "run": "job-42", "probability": 0.875,
         "accepted_by": "annotator"},
    )  # fmt: skip
    assert "provenance" not in doc["words"][0]["morphemes"][0]  # typed by a person
    # and the REST API serves it
    served = annotator.get(f"{BASE}/utterances/{utt['_id']}/").json()
    assert served["words"][0]["morphemes"][1]["provenance"]["gloss"]["run"] == "job-42"
    assert "provenance" not in served["words"][0]["morphemes"][0]

    # and the Turtle export has the run, the model version and the probability
    sync.drain(team.project)
    graph = turtle(annotator)
    node = URIRef(sync.iris_for(team.project).of("utterance", utt["_id"]).value + "#w0.m1")
    value = URIRef(f"{node}.gloss")
    run = URIRef(f"{node}.gloss.run")
    model = URIRef(sync.iris_for(team.project).of("model", str(version.pk)).value)
    assert (node, URIRef(FM + "accepted"), value) in graph
    assert (value, URIRef(PROV + "wasGeneratedBy"), run) in graph
    assert (value, URIRef(PROV + "wasAttributedTo"), model) in graph
    assert (run, URIRef(PROV + "wasAssociatedWith"), model) in graph
    assert graph.value(value, URIRef(PROV + "value")) == Literal("ERG")
    assert graph.value(value, URIRef(FM + "probability")).toPython() == 0.875
    assert graph.value(run, URIRef(FM + "run")) == Literal("job-42")
    assert graph.value(run, URIRef(FM + "modelVersion")) == Literal("3")
    assert graph.value(value, URIRef(FM + "acceptedBy")) == URIRef(
        sync.iris_for(team.project).agent("annotator").value
    )
    assert len(set(graph.subjects(URIRef(PROV + "wasGeneratedBy"), None))) == 1
    conforms, report = helpers.shacl(graph)
    assert conforms, report[:2000]

    # When the annotator saves the utterance without touching the gloss (as the editor does:
    # the REST shape, provenance and all, minus nothing it may send)
    body = {k: v for k, v in served.items() if k not in ("id", "text")}
    body["translations"] = {"en": "by the boy"}
    saved = annotator.put(f"{BASE}/utterances/{utt['_id']}/", body, format="json")
    assert saved.status_code == 200, saved.content
    # Then the provenance stays
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    assert doc["words"][0]["morphemes"][1]["provenance"]["gloss"]["run"] == "job-42"

    # When a person changes the gloss
    body = {k: v for k, v in saved.json().items() if k not in ("id", "text")}
    for word in body["words"]:
        for m in word["morphemes"]:
            m.pop("provenance", None)  # what a client sends back makes no difference
    body["words"][0]["morphemes"][1]["gloss"] = "GEN"
    changed = annotator.put(f"{BASE}/utterances/{utt['_id']}/", body, format="json")
    assert changed.status_code == 200, changed.content

    # Then the provenance is gone from MongoDB, the REST shape and the graph
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    assert doc["words"][0]["morphemes"][1] == {"form": "di", "gloss": "GEN", "sep": "-"}
    assert "provenance" not in changed.json()["words"][0]["morphemes"][1]
    sync.drain(team.project)
    graph = turtle(annotator)
    assert not set(graph.subjects(URIRef(PROV + "wasGeneratedBy"), None))
    assert (node, URIRef("http://purl.org/ligt/ligt-0.2#gloss"), Literal("GEN")) in graph


def test_bulk_accept_stamps_every_written_label_and_a_client_cannot_forge_one(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    given = unglossed(team)
    utt, version = given["utterance"], given["version"]

    result = suggestions.bulk_accept(team.annotator, team.project, "gloss", 0.5)

    assert result == {"accepted": 1, "skipped": 0}
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    entry = doc["words"][0]["morphemes"][1]["provenance"]["gloss"]
    assert (entry["model"], entry["version"], entry["run"], entry["probability"]) == (
        version.pk, 3, "job-42", 0.875,
    )  # fmt: skip
    # A client that sends provenance of its own for a value a person typed gets none stored
    body = {k: v for k, v in as_user(team.annotator).get(
        f"{BASE}/utterances/{utt['_id']}/").json().items() if k not in ("id", "text")}  # fmt: skip
    forged = {**entry, "value": "boy", "model": 999}
    body["words"][0]["morphemes"][0]["provenance"] = {"gloss": forged}
    saved = as_user(team.annotator).put(f"{BASE}/utterances/{utt['_id']}/", body, format="json")
    assert saved.status_code == 200, saved.content
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    assert "provenance" not in doc["words"][0]["morphemes"][0]
    assert doc["words"][0]["morphemes"][1]["provenance"]["gloss"]["model"] == version.pk


def test_provenance_comes_back_from_an_rdf_export_imported_elsewhere(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    import io

    from annotations.linked_api import imports
    from fieldmark.projects import services as projects

    given = unglossed(team)
    utt = given["utterance"]
    suggestions.bulk_accept(team.annotator, team.project, "gloss", 0.5)
    # and a segmentation accepted for a word nobody had cut
    cut = services.create_utterance(
        team.owner, team.project, utt["text"], {"words": [{"form": "xtok"}]}
    )
    made = {"task": "segment", "model": 77, "model_name": "usp-seg", "version": 2,
            "training_run": 5, "run": None, "probability": 0.5}  # fmt: skip
    services.fill_empty_labels(
        team.annotator, team.project,
        {cut["_id"]: [services.Label(0, None, "morphemes", "x-tok", made)]}, expect={},
    )  # fmt: skip
    before = {
        d["_id"]: d["words"] for d in (documents.utterances.get(team.project.pk, i)
                                       for i in (utt["_id"], cut["_id"]))
    }  # fmt: skip
    assert before[cut["_id"]][0]["provenance"]["morphemes"]["model"] == 77
    sync.drain(team.project)
    data = b"".join(as_user(team.owner).get(f"{BASE}/rdf/", {"format": "turtle"}).streaming_content)

    other = projects.create_project(team.owner, {"name": "copy", "slug": "copy"})
    imports.import_rdf(other, io.BytesIO(data), "turtle", "rdf-copy", "owner")

    copied = {
        d["id"]: d["words"] for d in documents.utterances.collection.find({"project": other.pk})
    }
    mine = documents.utterances.collection.find({"project": team.project.pk})
    originals = {d["id"]: d["_id"] for d in mine}
    for source_id, words in copied.items():
        assert words == before.get(originals[source_id], words)
    gloss = copied[utt["id"]][0]["morphemes"][1]["provenance"]["gloss"]
    assert (gloss["model"], gloss["version"], gloss["run"], gloss["probability"],
            gloss["accepted_by"]) == (given["version"].pk, 3, "job-42", 0.875,
                                      "annotator")  # fmt: skip
    assert copied[cut["id"]][0]["provenance"]["morphemes"] == {
        **made, "value": "x-tok", "accepted_by": "annotator",
        "accepted_at": before[cut["_id"]][0]["provenance"]["morphemes"]["accepted_at"],
    }  # fmt: skip


def test_the_model_an_accepted_value_is_attributed_to_dereferences(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    given = unglossed(team)
    version = given["version"]
    version.metrics = {"word_accuracy": 0.825, "macro_f1": 0.5}
    version.data_hash = "sha256:abc"
    version.trained_by = team.manager
    version.save()
    # an external version, with a server and a token that must never show
    other = ModelVersion.objects.create(
        project=team.project, task="pos", kind="external", number=1, source="external",
        external_url="https://ml.example.org/", external_token="s3cret",
    )  # fmt: skip
    suggestions.bulk_accept(team.annotator, team.project, "gloss", 0.5)
    sync.drain(team.project)
    exported = turtle(as_user(team.viewer))
    model = next(exported.objects(None, URIRef(PROV + "wasAttributedTo")))

    response = as_user(team.viewer).get(
        "/ld" + str(model).split("/ld", 1)[1], HTTP_ACCEPT="text/turtle"
    )

    assert response.status_code == 200, response.content
    graph = Graph().parse(data=response.content, format="turtle")
    node = URIRef(str(model))
    assert (node, URIRef(RDF_TYPE), URIRef(PROV + "SoftwareAgent")) in graph
    facts = {str(p).rsplit("#", 1)[-1]: o.toPython() if isinstance(o, Literal) else str(o)
             for p, o in graph.predicate_objects(node) if str(p).startswith(FM)}  # fmt: skip
    assert facts == {
        "task": "gloss", "modelKind": "memory", "modelVersion": 3, "status": "candidate",
        "source": "trained", "modelName": "lez-memory", "dataHash": "sha256:abc",
        "wordAccuracy": 0.825, "macroF1": 0.5,
    }  # fmt: skip
    agent = URIRef(sync.iris_for(team.project).agent("manager").value)
    assert graph.value(node, URIRef(PROV + "wasAttributedTo")) == agent
    # The external version's page names neither its server nor its token
    page = as_user(team.viewer).get(f"/ld/lezgi/model/{other.pk}", HTTP_ACCEPT="text/turtle")
    assert page.status_code == 200
    assert b"s3cret" not in page.content and b"ml.example.org" not in page.content
    # and a version of another project, or no number at all, is a 404, as for strangers
    from fieldmark.projects import services as projects

    elsewhere = ModelVersion.objects.create(
        project=projects.create_project(team.owner, {"name": "Other", "slug": "other"}),
        task="gloss", kind="memory", number=1,
    )  # fmt: skip
    for path in (f"/ld/lezgi/model/{elsewhere.pk}", "/ld/lezgi/model/x"):
        assert as_user(team.viewer).get(path, HTTP_ACCEPT="text/turtle").status_code == 404
    path = f"/ld/lezgi/model/{version.pk}"
    assert as_user(team.outsider).get(path, HTTP_ACCEPT="text/turtle").status_code == 404

    # The person who accepted it dereferences too, as a member with a role; no one else does
    acceptor = next(exported.objects(None, URIRef(FM + "acceptedBy")))
    person = as_user(team.viewer).get(
        "/ld" + str(acceptor).split("/ld", 1)[1], HTTP_ACCEPT="text/turtle"
    )
    assert person.status_code == 200, person.content
    about = Graph().parse(data=person.content, format="turtle")
    assert about.value(URIRef(str(acceptor)), URIRef(FM + "role")) == Literal("annotator")
    assert (URIRef(str(acceptor)), URIRef(RDF_TYPE), URIRef(PROV + "Person")) in about
    for name in ("outsider", "nobody"):
        path = f"/ld/lezgi/agent/{name}"
        assert as_user(team.viewer).get(path, HTTP_ACCEPT="text/turtle").status_code == 404


def test_a_persons_gloss_and_a_machines_pos_on_one_morph_merge_without_a_conflict(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    given = unglossed(team)
    utt = given["utterance"]
    suggestions.bulk_accept(team.annotator, team.project, "gloss", 0.5)  # machine gloss: v2
    annotator = as_user(team.annotator)
    opened = annotator.get(f"{BASE}/utterances/{utt['_id']}/").json()  # a person opens v2
    assert opened["version"] == 2
    # Meanwhile the machine's POS for the same morph is accepted: v3, provenance {gloss, pos}
    made = {"task": "pos", "model": 9, "model_name": "lez-pos", "version": 1,
            "training_run": None, "run": None, "probability": 0.75}  # fmt: skip
    services.fill_empty_labels(
        team.manager, team.project,
        {utt["_id"]: [services.Label(0, 1, "pos", "N", made)]}, expect={},
    )  # fmt: skip
    accepted = documents.utterances.get(team.project.pk, utt["_id"])
    assert sorted(accepted["words"][0]["morphemes"][1]["provenance"]) == ["gloss", "pos"]

    # When the person saves a new gloss for that morph against v2
    body = {k: v for k, v in opened.items() if k not in ("id", "text")}
    body["words"][0]["morphemes"][1]["gloss"] = "GEN"
    saved = annotator.put(f"{BASE}/utterances/{utt['_id']}/", body, format="json")

    # Then both land: the person's gloss (its machine provenance gone), the machine's POS (kept)
    assert saved.status_code == 200, saved.content
    doc = documents.utterances.get(team.project.pk, utt["_id"])
    morph = doc["words"][0]["morphemes"][1]
    assert doc["version"] == 4
    assert (morph["gloss"], morph["pos"]) == ("GEN", "N")
    assert list(morph["provenance"]) == ["pos"]
    assert morph["provenance"]["pos"]["value"] == "N"
    assert morph["provenance"]["pos"]["accepted_by"] == "manager"
