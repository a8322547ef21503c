"""Videos, affect layers, label schemas and utterance links as W3C Web Annotation.

Each coded segment or FACS event is an ``oa:Annotation`` whose target is the video restricted by
an ``oa:FragmentSelector`` conforming to Media Fragments (``t=start,end`` in seconds). Its bodies
are one ``fm:ActionUnitCoding`` per AU (the AU as a SKOS concept of the project's label schema,
the intensity as an ``xsd:integer``) and, when an emotion or valence/arousal is coded, an
``onyx:Emotion`` (``onyx:hasEmotionCategory`` a concept of the schema's category set,
``emoml:valence``/``emoml:arousal`` as ``xsd:double``). The coder is ``dcterms:creator`` (and
``oa:annotatedBy``, the Open Annotation term older consumers read). Frame-level traces stay in
MongoDB; the layer lists their track names (``fm:traceTrack``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from annotations.affect.schema import AffectSchema
from annotations.linked.vocab import (
    DCT,
    EMOML,
    FM,
    MEDIA_FRAGMENTS,
    OA,
    ONYX,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    Namespace,
    ProjectIris,
    boolean,
    decimal,
    fragment,
    integer,
    segment,
    text,
)

DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
Doc = Mapping[str, Any]


def media_fragment(t0_ms: int, t1_ms: int) -> str:
    """``t=start,end`` in seconds (Media Fragments' normal play time), exact to the ms."""
    return f"t={t0_ms / 1000:g},{t1_ms / 1000:g}"


def video_triples(doc: Doc, iris: ProjectIris) -> list[Triple]:
    node = iris.of("video", str(doc["_id"]))
    out = [Triple(node, RDF.type, DCMITYPE.MovingImage)]
    if doc.get("filename"):
        out.append(Triple(node, DCT.title, Literal(str(doc["filename"]))))
    if doc.get("content_type"):
        out.append(Triple(node, DCT["format"], Literal(str(doc["content_type"]))))
    for key, prop in (
        ("duration_ms", FM.durationMs),
        ("width", FM.width),
        ("height", FM.height),
        ("frame_count", FM.frameCount),
    ):
        if isinstance(doc.get(key), int):
            out.append(Triple(node, prop, integer(int(doc[key]))))
    if doc.get("fps"):
        out.append(Triple(node, FM.fps, Literal(str(doc["fps"]))))
    return out


def au_concept(iris: ProjectIris, code: str) -> NamedNode:
    return fragment(iris.schema, segment(code))


def emotion_concept(iris: ProjectIris, category: str) -> NamedNode:
    return fragment(iris.schema, f"emotion-{segment(category)}")


def schema_triples(schema: AffectSchema, iris: ProjectIris) -> list[Triple]:
    """The label schema as SKOS: one concept scheme of AUs, one of emotion categories, one of
    the dimensions."""
    aus, emotions = fragment(iris.schema, "aus"), fragment(iris.schema, "emotions")
    dims = fragment(iris.schema, "dimensions")
    out = [
        Triple(iris.schema, RDF.type, FM.LabelSchema),
        Triple(iris.schema, FM.schemaVersion, integer(schema.version)),
        Triple(iris.schema, FM.notesAllowed, boolean(schema.notes)),
        Triple(iris.schema, DCT.hasPart, aus),
        Triple(iris.schema, DCT.hasPart, emotions),
        Triple(iris.schema, DCT.hasPart, dims),
        Triple(aus, RDF.type, SKOS.ConceptScheme),
        Triple(aus, SKOS.prefLabel, text("FACS Action Units", "en")),
        Triple(emotions, RDF.type, SKOS.ConceptScheme),
        Triple(emotions, SKOS.prefLabel, Literal(schema.emotions.name)),
        Triple(dims, RDF.type, SKOS.ConceptScheme),
        Triple(dims, SKOS.prefLabel, text("Affective dimensions", "en")),
    ]
    if schema.emotions.vocabulary_uri:
        out.append(Triple(emotions, SKOS.exactMatch, NamedNode(schema.emotions.vocabulary_uri)))
    for au in schema.action_units:
        c = au_concept(iris, au.code)
        out += [
            Triple(c, RDF.type, SKOS.Concept),
            Triple(c, SKOS.inScheme, aus),
            Triple(c, SKOS.notation, Literal(au.code)),
            Triple(c, SKOS.prefLabel, text(au.name, "en")),
            Triple(c, FM.auNumber, integer(au.number)),
        ]
    for i, category in enumerate(schema.emotions.categories):
        c = emotion_concept(iris, category)
        out += [
            Triple(c, RDF.type, SKOS.Concept),
            Triple(c, SKOS.inScheme, emotions),
            Triple(c, SKOS.prefLabel, Literal(category)),
            Triple(c, FM.index, integer(i)),
        ]
    for name in schema.dimensions:
        c = fragment(iris.schema, segment(name))
        out += [
            Triple(c, RDF.type, SKOS.Concept),
            Triple(c, SKOS.inScheme, dims),
            Triple(c, SKOS.prefLabel, text(name, "en")),
            Triple(c, SKOS.exactMatch, EMOML[name]),
        ]
    return out


def _annotation(
    node: NamedNode, layer: NamedNode, video: NamedNode, creator: NamedNode, t0: int, t1: int
) -> list[Triple]:
    target, selector = NamedNode(f"{node.value}.target"), NamedNode(f"{node.value}.selector")
    return [
        Triple(node, RDF.type, OA.Annotation),
        Triple(node, DCT.isPartOf, layer),
        Triple(node, OA.motivatedBy, OA.classifying),
        Triple(node, DCT.creator, creator),
        Triple(node, OA.annotatedBy, creator),
        Triple(node, OA.hasTarget, target),
        Triple(target, RDF.type, OA.SpecificResource),
        Triple(target, OA.hasSource, video),
        Triple(target, OA.hasSelector, selector),
        Triple(selector, RDF.type, OA.FragmentSelector),
        Triple(selector, DCT.conformsTo, MEDIA_FRAGMENTS),
        Triple(selector, RDF.value, Literal(media_fragment(t0, t1))),
        Triple(node, FM.startMs, integer(t0)),
        Triple(node, FM.endMs, integer(t1)),
    ]


def _au_body(node: NamedNode, iris: ProjectIris, code: str, intensity: int) -> list[Triple]:
    body = NamedNode(f"{node.value}.{segment(code)}")
    return [
        Triple(node, OA.hasBody, body),
        Triple(body, RDF.type, FM.ActionUnitCoding),
        Triple(body, FM.actionUnit, au_concept(iris, code)),
        Triple(body, FM.intensity, integer(intensity)),
    ]


def layer_triples(doc: Doc, iris: ProjectIris) -> list[Triple]:
    layer = iris.of("layer", str(doc["_id"]))
    video = iris.of("video", str(doc["video_id"]))
    annotator = str(doc.get("annotator") or "")
    creator = iris.agent(annotator)
    out = [
        Triple(layer, RDF.type, FM.AffectLayer),
        Triple(layer, FM.video, video),
        Triple(layer, FM.layerKind, Literal(str(doc.get("kind", "coder")))),
        Triple(layer, FM.schemaVersion, integer(int(doc.get("schema_version", 1)))),
        Triple(layer, DCT.creator, creator),
        Triple(layer, FM.annotator, Literal(annotator)),
    ]
    for track in doc.get("trace_tracks") or []:
        out.append(Triple(layer, FM.traceTrack, Literal(str(track))))
    model = doc.get("model")
    run = _model_run(layer, model) if isinstance(model, Mapping) else []
    out += run
    activity = run[0].object if run else None
    probabilities = _probabilities(model, "segment_probability")
    for i, seg in enumerate(doc.get("segments") or []):
        node = fragment(layer, f"s{i}")
        out += _annotation(node, layer, video, creator, int(seg["t0_ms"]), int(seg["t1_ms"]))
        out.append(Triple(node, FM.index, integer(i)))
        out += _generated(node, activity, probabilities, i)
        for code, intensity in sorted((seg.get("aus") or {}).items()):
            out += _au_body(node, iris, str(code), int(intensity))
        dims = seg.get("dimensions") or {}
        if seg.get("emotion") or dims:
            body = NamedNode(f"{node.value}.emotion")
            out += [Triple(node, OA.hasBody, body), Triple(body, RDF.type, ONYX.Emotion)]
            if seg.get("emotion"):
                category = emotion_concept(iris, str(seg["emotion"]))
                out.append(Triple(body, ONYX.hasEmotionCategory, category))
            for name, value in sorted(dims.items()):
                out.append(Triple(body, EMOML[name], decimal(float(value))))
        if seg.get("note"):
            out.append(Triple(node, RDFS.comment, Literal(str(seg["note"]))))
    for i, event in enumerate(doc.get("events") or []):
        node = fragment(layer, f"e{i}")
        out += _annotation(
            node, layer, video, creator, int(event["onset_ms"]), int(event["offset_ms"])
        )
        out += [
            Triple(node, RDF.type, FM.FacsEvent),
            Triple(node, FM.index, integer(i)),
            Triple(node, FM.apexMs, integer(int(event["apex_ms"]))),
        ]
        out += _au_body(node, iris, str(event["au"]), int(event.get("intensity", 1)))
        out += _generated(node, activity, _probabilities(model, "event_probability"), i)
    return out


def _model_run(layer: NamedNode, model: Mapping[str, Any]) -> list[Triple]:
    """PROV-O for a layer a face model coded: the run (an Activity), the model version it used,
    the pipeline, when. The first triple links the layer to the run."""
    activity = fragment(layer, "prov")
    out = [
        Triple(layer, PROV.wasGeneratedBy, activity),
        Triple(activity, RDF.type, PROV.Activity),
    ]
    if model.get("version") or model.get("model"):
        out.append(
            Triple(activity, PROV.used, Literal(str(model.get("version") or model["model"])))
        )
    if model.get("name"):
        out.append(Triple(activity, FM.modelName, Literal(str(model["name"]))))
    if model.get("number") is not None:
        out.append(Triple(activity, FM.modelVersion, Literal(str(model["number"]))))
    if model.get("pipeline"):
        out.append(Triple(activity, FM.pipeline, Literal(str(model["pipeline"]))))
    coded_at = model.get("coded_at")
    if isinstance(coded_at, datetime):
        stamp = coded_at if coded_at.tzinfo else coded_at.replace(tzinfo=UTC)
        out.append(
            Triple(activity, PROV.endedAtTime, Literal(stamp.isoformat(), datatype=XSD.dateTime))
        )
    return out


def _probabilities(model: Any, key: str) -> list[Any]:
    values = model.get(key) if isinstance(model, Mapping) else None
    return list(values) if isinstance(values, list | tuple) else []


def _generated(
    node: NamedNode, activity: Any, probabilities: list[Any], index: int
) -> list[Triple]:
    """A machine-made segment or event: which run made it, with what probability."""
    if activity is None:
        return []
    out = [Triple(node, PROV.wasGeneratedBy, activity)]
    if index < len(probabilities) and isinstance(probabilities[index], int | float):
        out.append(Triple(node, FM.probability, decimal(float(probabilities[index]))))
    return out


def link_triples(doc: Doc, iris: ProjectIris) -> list[Triple]:
    """An utterance ↔ video span link: an annotation whose body is the utterance."""
    node = iris.of("link", str(doc["_id"]))
    video = iris.of("video", str(doc["video_id"]))
    creator = iris.agent(str(doc.get("created_by") or ""))
    out = _annotation(node, node, video, creator, int(doc["t0_ms"]), int(doc["t1_ms"]))
    out = [t for t in out if t.predicate != DCT.isPartOf and t.object != OA.classifying]
    out += [
        Triple(node, OA.motivatedBy, OA.linking),
        Triple(node, OA.hasBody, iris.of("utterance", str(doc["utterance"]))),
    ]
    if doc.get("note"):
        out.append(Triple(node, RDFS.comment, Literal(str(doc["note"]))))
    return out
