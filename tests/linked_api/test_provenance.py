"""PROV-O on machine-made values: a layer a face model coded, a morph label a model made."""

from __future__ import annotations

import io
from datetime import datetime

import pyoxigraph as ox
from rdflib import Graph

from annotations.affect.schema import DEFAULT_SCHEMA
from annotations.linked import ligt, webannotation
from annotations.linked.vocab import ProjectIris
from tests.linked_api import helpers

IRIS = ProjectIris("https://fm.example/", "p")
PROV = "http://www.w3.org/ns/prov#"
FM = "https://w3id.org/fieldmark/ns#"
LAYER = "https://fm.example/ld/p/layer/model-v1"


def lines(triples: list[ox.Triple]) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object} ." for t in triples}


def model_layer() -> dict[str, object]:
    """A layer as the face-coding job stores it (``services.face_coding``: ``model`` provenance)."""
    return {
        "_id": "model-v1",
        "video_id": "v1",
        "kind": "model",
        "annotator": "model:au-detector",
        "schema_version": 1,
        "segments": [{"t0_ms": 0, "t1_ms": 400, "aus": {"AU12": 2}}],
        "events": [{"au": "AU12", "onset_ms": 0, "apex_ms": 200, "offset_ms": 400}],
        "model": {
            "model": "mv-7",
            "name": "au-detector",
            "number": 3,
            "version": "mv-7",
            "pipeline": "face-1",
            "segment_probability": [0.875],
            "event_probability": [0.5],
            "coded_at": datetime(2026, 12, 1, 12, 0, 0),  # Mongo hands back naive UTC
        },
    }


def test_a_model_coded_layer_carries_its_run() -> None:
    triples = lines(webannotation.layer_triples(model_layer(), IRIS))
    run = f"<{LAYER}#prov>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    expected = {
        f"<{LAYER}> <{PROV}wasGeneratedBy> {run} .",
        f"{run} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PROV}Activity> .",
        f'{run} <{PROV}used> "mv-7" .',
        f'{run} <{FM}modelName> "au-detector" .',
        f'{run} <{FM}modelVersion> "3" .',
        f'{run} <{FM}pipeline> "face-1" .',
        f'{run} <{PROV}endedAtTime> "2026-12-01T12:00:00+00:00"^^<{xsd}dateTime> .',
        f"<{LAYER}#s0> <{PROV}wasGeneratedBy> {run} .",
        f'<{LAYER}#s0> <{FM}probability> "0.875"^^<{xsd}double> .',
        f"<{LAYER}#e0> <{PROV}wasGeneratedBy> {run} .",
        f'<{LAYER}#e0> <{FM}probability> "0.5"^^<{xsd}double> .',
    }
    assert expected <= triples
    # and what people coded carries none of it
    by_hand = {**model_layer(), "kind": "coder", "model": None}
    assert not any(PROV in t for t in lines(webannotation.layer_triples(by_hand, IRIS)))


ACCEPTED = {
    "value": "boy", "task": "gloss", "model": 12, "model_name": "lez-memory", "version": 4,
    "training_run": 7, "run": "job-9", "probability": 0.75, "accepted_by": "ana",
    "accepted_at": "2026-12-01T12:00:00+00:00",
}  # fmt: skip


def accepted_utterance(gloss: str = "boy") -> dict[str, object]:
    return {
        "_id": "u1",
        "order": 0,
        "words": [
            {"form": "gada", "morphemes": [
                {"form": "gada", "gloss": gloss, "provenance": {"gloss": ACCEPTED}},
            ]},
        ],
    }  # fmt: skip


def test_an_accepted_machine_gloss_carries_model_run_and_probability() -> None:
    triples = lines(ligt.utterance_triples(accepted_utterance(), IRIS, "lez"))
    morph = "https://fm.example/ld/p/utterance/u1#w0.m0"
    value, run = f"<{morph}.gloss>", f"<{morph}.gloss.run>"
    model = "<https://fm.example/ld/p/model/12>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert {t for t in triples if f"{morph}." in t} == {
        f"<{morph}> <{FM}accepted> {value} .",
        f"{value} {rdf_type} <{PROV}Entity> .",
        f"{value} <{FM}property> <http://purl.org/ligt/ligt-0.2#gloss> .",
        f'{value} <{PROV}value> "boy" .',
        f"{value} <{PROV}wasGeneratedBy> {run} .",
        f"{value} <{PROV}wasAttributedTo> {model} .",
        f'{value} <{FM}probability> "0.75"^^<{xsd}double> .',
        f"{value} <{FM}acceptedBy> <https://fm.example/ld/p/agent/ana> .",
        f'{value} <{FM}acceptedAt> "2026-12-01T12:00:00+00:00"^^<{xsd}dateTime> .',
        f"{run} {rdf_type} <{PROV}Activity> .",
        f"{run} <{PROV}wasAssociatedWith> {model} .",
        f'{run} <{FM}modelName> "lez-memory" .',
        f'{run} <{FM}modelVersion> "4" .',
        f'{run} <{FM}run> "job-9" .',
        f'{run} <{FM}trainingRun> "7" .',
        f'{run} <{FM}task> "gloss" .',
    }
    # A gloss a person changed since carries none of it
    changed = lines(ligt.utterance_triples(accepted_utterance("girl"), IRIS, "lez"))
    assert not any(PROV in t or f"{FM}accepted" in t for t in changed)


def test_provenance_passes_the_shapes() -> None:
    triples = webannotation.layer_triples(model_layer(), IRIS)
    triples += webannotation.schema_triples(DEFAULT_SCHEMA, IRIS)
    triples += ligt.utterance_triples(accepted_utterance(), IRIS, "lez")
    bad = {**model_layer(), "_id": "bad"}
    bad["model"] = {**bad["model"], "segment_probability": [1.5]}  # type: ignore[dict-item]
    wrong = webannotation.layer_triples(bad, IRIS)
    buffer = io.BytesIO()
    ox.serialize(triples, buffer, ox.RdfFormat.N_TRIPLES)
    conforms, report = helpers.shacl(Graph().parse(data=buffer.getvalue(), format="nt"))
    assert conforms, report[:2000]
    # and a probability past 1 does not
    buffer = io.BytesIO()
    ox.serialize([*triples, *wrong], buffer, ox.RdfFormat.N_TRIPLES)
    conforms, report = helpers.shacl(Graph().parse(data=buffer.getvalue(), format="nt"))
    assert not conforms
    assert "bad#s0" in report and "MaxInclusive" in report


def test_an_accepted_value_without_its_run_or_with_two_models_fails_the_shapes() -> None:
    triples = ligt.utterance_triples(accepted_utterance(), IRIS, "lez")
    value = ox.NamedNode("https://fm.example/ld/p/utterance/u1#w0.m0.gloss")
    broken = [t for t in triples if not (t.subject == value and "wasGeneratedBy" in str(t))]
    broken.append(
        ox.Triple(value, ox.NamedNode(PROV + "wasAttributedTo"), ox.NamedNode("https://m/2"))
    )
    buffer = io.BytesIO()
    ox.serialize(broken, buffer, ox.RdfFormat.N_TRIPLES)
    conforms, report = helpers.shacl(Graph().parse(data=buffer.getvalue(), format="nt"))
    assert not conforms
    assert "MinCountConstraintComponent" in report and "MaxCountConstraintComponent" in report
