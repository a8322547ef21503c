"""Model versions as linked data: ``/ld/<project>/model/<id>`` describes the version that an
accepted machine value is ``prov:wasAttributedTo`` (``annotations.linked.ligt``), from the
registry in SQL. What it says is what the Models page shows a viewer: task, kind, number,
status, where it came from, who trained it, on which data, and its held-out scores; never an
external server's address or token."""

from __future__ import annotations

from typing import Final

from pyoxigraph import Literal, NamedNode, Triple

from annotations.linked.vocab import DCT, FM, PROV, RDF, RDFS, XSD, ProjectIris, decimal, integer
from fieldmark.projects.models import Project
from mlworkers.models import ModelVersion

# The held-out scores it states, by the registry's metric names.
SCORES: Final = {
    "word_accuracy": FM.wordAccuracy,
    "morpheme_accuracy": FM.morphemeAccuracy,
    "macro_f1": FM.macroF1,
}


def describe_model(project: Project, doc_id: str, iris: ProjectIris) -> list[Triple] | None:
    """The triples of model version ``doc_id`` of ``project``; None when it has none such."""
    if not doc_id.isdigit():
        return None
    version = (
        ModelVersion.objects.filter(project=project, pk=int(doc_id))
        .select_related("run", "trained_by")
        .first()
    )
    if version is None:
        return None
    node = iris.of("model", str(version.pk))
    label = f"{version.task} model v{version.number} ({version.kind})"
    out = [
        Triple(node, RDF.type, PROV.SoftwareAgent),
        Triple(node, RDF.type, PROV.Entity),
        Triple(node, RDFS.label, Literal(label)),
        Triple(node, FM.task, Literal(version.task)),
        Triple(node, FM.modelKind, Literal(version.kind)),
        Triple(node, FM.modelVersion, integer(version.number)),
        Triple(node, FM.status, Literal(version.status)),
        Triple(node, FM.source, Literal(version.source)),
        Triple(node, DCT.created, Literal(version.created_at.isoformat(), datatype=XSD.dateTime)),
    ]
    if version.name:
        out.append(Triple(node, FM.modelName, Literal(version.name)))
    if version.data_hash:
        out.append(Triple(node, FM.dataHash, Literal(version.data_hash)))
    if version.trained_by is not None:
        out.append(Triple(node, PROV.wasAttributedTo, iris.agent(version.trained_by.username)))
    for name, predicate in SCORES.items():
        value = (version.metrics or {}).get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append(Triple(node, predicate, decimal(float(value))))
    if version.run is not None:
        run = NamedNode(f"{node.value}#training")
        out += [
            Triple(node, PROV.wasGeneratedBy, run),
            Triple(run, RDF.type, PROV.Activity),
            Triple(run, FM.trainingRun, Literal(str(version.run.pk))),
        ]
        for key, predicate in (("utterances", FM.utterances), ("train", FM.trainingItems),
                               ("heldout", FM.heldoutItems)):  # fmt: skip
            count = (version.run.counts or {}).get(key)
            if isinstance(count, int) and not isinstance(count, bool):
                out.append(Triple(run, predicate, integer(count)))
        if version.run.device:
            out.append(Triple(run, FM.device, Literal(version.run.device)))
    return out
