"""ELAN ``.eaf`` (EAF 3.0) import and export of affect segment layers.

Tier naming scheme, one time-aligned top-level tier per annotator and label:

* ``<annotator>|AU12`` — value is the FACS intensity letter ``A``..``E``, or ``X`` for
  unscorable; an annotation means the AU is present. Absence is no annotation, so a segment's
  explicit ``0`` (absent) is not written.
* ``<annotator>|emotion`` — value is a category name of the schema's set.
* ``<annotator>|valence``, ``<annotator>|arousal`` — value is a decimal number in [-1, 1].
* ``<annotator>|note`` — free text.

The tier's ``ANNOTATOR`` attribute carries the annotator too; ``PARTICIPANT`` carries the
filmed person when the caller gives one. Header properties ``fieldmark:video_id`` and
``fieldmark:layer:<annotator>`` keep the ids for a lossless round trip.

Annotations of one annotator that share exactly the same ``[t0, t1)`` are merged back into one
segment on import, so a layer whose segments have distinct intervals round-trips exactly. Events
and frame-level traces are not part of this format (use the CSV formats).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Final

from lxml import etree

from annotations.affect.model import Layer, Segment
from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    AffectSchema,
    ValidationError,
    intensity_from_letter,
    intensity_to_letter,
)
from annotations.xmlsafe import FormatError, parse_xml

MAX_EAF_BYTES: Final = 50 * 1024 * 1024
SEPARATOR: Final = "|"
_LABEL = re.compile(r"^(AU[0-9]+|emotion|valence|arousal|note)$")
_TYPES: Final = {
    "au": "fieldmark-au",
    "emotion": "fieldmark-emotion",
    "dimension": "fieldmark-dimension",
    "note": "fieldmark-note",
}
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def tier_id(annotator: str, label: str) -> str:
    """``coder1|AU12``; annotators may not contain the separator."""
    if not annotator or SEPARATOR in annotator:
        raise ValidationError("annotator", f"{annotator!r} is empty or contains {SEPARATOR!r}")
    return f"{annotator}{SEPARATOR}{label}"


def parse_tier_id(value: str) -> tuple[str, str] | None:
    annotator, sep, label = value.rpartition(SEPARATOR)
    if not sep or not annotator or not _LABEL.match(label):
        return None
    return annotator, label


def _format_number(value: float) -> str:
    return repr(float(value))


def write_eaf(
    layers: Sequence[Layer],
    *,
    schema: AffectSchema = DEFAULT_SCHEMA,
    media_url: str = "",
    media_mime: str = "video/mp4",
    participant: str = "",
    date: str = "1970-01-01T00:00:00+00:00",
) -> bytes:
    """Serialise segment layers as one EAF 3.0 document (UTF-8 bytes)."""
    if len({layer.annotator for layer in layers}) != len(layers):
        raise ValidationError("layers", "two layers have the same annotator")
    doc = etree.Element(
        "ANNOTATION_DOCUMENT",
        nsmap={"xsi": _XSI},
        AUTHOR="Fieldmark",
        DATE=date,
        FORMAT="3.0",
        VERSION="3.0",
    )
    doc.set(f"{{{_XSI}}}noNamespaceSchemaLocation", "http://www.mpi.nl/tools/elan/EAFv3.0.xsd")
    header = etree.SubElement(doc, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    if media_url:
        etree.SubElement(header, "MEDIA_DESCRIPTOR", MEDIA_URL=media_url, MIME_TYPE=media_mime)
    video_ids = {layer.video_id for layer in layers}
    if len(video_ids) > 1:
        raise ValidationError("layers", f"layers come from several videos: {sorted(video_ids)}")
    for video_id in video_ids:
        etree.SubElement(header, "PROPERTY", NAME="fieldmark:video_id").text = video_id
    for layer in layers:
        prop = etree.SubElement(header, "PROPERTY", NAME=f"fieldmark:layer:{layer.annotator}")
        prop.text = layer.layer_id
    time_order = etree.SubElement(doc, "TIME_ORDER")

    slots: dict[int, str] = {}

    def slot(ms: int) -> str:
        if ms not in slots:
            slots[ms] = f"ts{len(slots) + 1}"
        return slots[ms]

    tiers: list[etree._Element] = []
    annotation_count = 0
    for layer in layers:
        layer.validate(schema)
        by_label: dict[str, list[tuple[Segment, str]]] = {}
        for segment in sorted(layer.segments, key=lambda s: (s.t0_ms, s.t1_ms)):
            for au, intensity in segment.aus.items():
                if intensity != 0:
                    by_label.setdefault(au, []).append((segment, intensity_to_letter(intensity)))
            if segment.emotion is not None:
                by_label.setdefault("emotion", []).append((segment, segment.emotion))
            for name in schema.dimensions:
                if name in segment.dimensions:
                    value = _format_number(segment.dimensions[name])
                    by_label.setdefault(name, []).append((segment, value))
            if segment.note:
                by_label.setdefault("note", []).append((segment, segment.note))
        labels = [au for au in schema.au_codes if au in by_label]
        labels += [x for x in ("emotion", *schema.dimensions, "note") if x in by_label]
        for label in labels:
            kind = (
                "au"
                if label.startswith("AU")
                else "dimension"
                if label in schema.dimensions
                else label
            )
            tier = etree.Element(
                "TIER",
                LINGUISTIC_TYPE_REF=_TYPES[kind],
                TIER_ID=tier_id(layer.annotator, label),
                ANNOTATOR=layer.annotator,
            )
            if participant:
                tier.set("PARTICIPANT", participant)
            for segment, value in by_label[label]:
                annotation_count += 1
                wrapper = etree.SubElement(tier, "ANNOTATION")
                aligned = etree.SubElement(
                    wrapper,
                    "ALIGNABLE_ANNOTATION",
                    ANNOTATION_ID=f"a{annotation_count}",
                    TIME_SLOT_REF1=slot(segment.t0_ms),
                    TIME_SLOT_REF2=slot(segment.t1_ms),
                )
                etree.SubElement(aligned, "ANNOTATION_VALUE").text = value
            tiers.append(tier)
    for ms in sorted(slots):
        etree.SubElement(time_order, "TIME_SLOT", TIME_SLOT_ID=slots[ms], TIME_VALUE=str(ms))
    prop = etree.SubElement(header, "PROPERTY", NAME="lastUsedAnnotationId")
    prop.text = str(annotation_count)
    doc.extend(tiers)
    for kind, type_id in _TYPES.items():
        attrs = {
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": type_id,
            "TIME_ALIGNABLE": "true",
        }
        if kind == "au":
            attrs["CONTROLLED_VOCABULARY_REF"] = "fieldmark-facs-intensity"
        elif kind == "emotion":
            attrs["CONTROLLED_VOCABULARY_REF"] = f"fieldmark-emotion-{schema.emotions.name}"
        etree.SubElement(doc, "LINGUISTIC_TYPE", attrs)
    etree.SubElement(
        doc,
        "LANGUAGE",
        LANG_DEF="http://cdb.iso.org/lg/CDB-00130975-001",
        LANG_ID="eng",
        LANG_LABEL="English (eng)",
    )
    _controlled_vocabulary(
        doc, "fieldmark-facs-intensity", [*"ABCDE", "X"], "FACS intensity; X = unscorable"
    )
    _controlled_vocabulary(
        doc,
        f"fieldmark-emotion-{schema.emotions.name}",
        list(schema.emotions.categories),
        f"emotion categories {schema.emotions.name}",
    )
    return bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _controlled_vocabulary(
    doc: etree._Element, cv_id: str, values: Iterable[str], description: str
) -> None:
    cv = etree.SubElement(doc, "CONTROLLED_VOCABULARY", CV_ID=cv_id)
    etree.SubElement(cv, "DESCRIPTION", LANG_REF="eng").text = description
    for i, value in enumerate(values, 1):
        entry = etree.SubElement(cv, "CV_ENTRY_ML", CVE_ID=f"{cv_id}-{i}")
        etree.SubElement(entry, "CVE_VALUE", DESCRIPTION="", LANG_REF="eng").text = value


def parse_xml_safely(data: bytes, max_bytes: int, what: str) -> etree._Element:
    """Parse untrusted XML through the project's one safe entry point, with our error type."""
    try:
        return parse_xml(data, max_bytes=max_bytes)
    except FormatError as exc:
        raise ValidationError("file", f"{what}: {exc}") from None


def read_eaf(
    data: bytes,
    *,
    video_id: str | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
    duration_ms: int | None = None,
    max_bytes: int = MAX_EAF_BYTES,
) -> list[Layer]:
    """Layers (one per annotator) from an EAF that follows the tier scheme above.

    Every tier must follow the scheme: an EAF with linguistic tiers is rejected with the list of
    offending tier ids rather than imported half.
    """
    root = parse_xml_safely(data, max_bytes, "EAF document")
    if root.tag != "ANNOTATION_DOCUMENT":
        raise ValidationError("file", f"root element is <{root.tag}>, not <ANNOTATION_DOCUMENT>")
    header = root.find("HEADER")
    if header is not None and header.get("TIME_UNITS", "milliseconds") != "milliseconds":
        raise ValidationError("HEADER.TIME_UNITS", "only milliseconds are supported")
    properties = {p.get("NAME", ""): (p.text or "") for p in root.iterfind("HEADER/PROPERTY")}
    video = video_id or properties.get("fieldmark:video_id")
    if not video:
        raise ValidationError("video_id", "not given and not in the EAF header")
    slots: dict[str, int | None] = {}
    for ts in root.iterfind("TIME_ORDER/TIME_SLOT"):
        value = ts.get("TIME_VALUE")
        slots[ts.get("TIME_SLOT_ID", "")] = int(value) if value is not None else None

    tiers = root.findall("TIER")
    bad = [t.get("TIER_ID", "?") for t in tiers if parse_tier_id(t.get("TIER_ID", "")) is None]
    if bad:
        raise ValidationError(
            "tiers",
            "tier ids do not follow the '<annotator>|AU12' / '<annotator>|emotion' scheme: "
            + ", ".join(repr(b) for b in bad),
        )

    segments: dict[str, dict[tuple[int, int], Segment]] = {}
    for tier in tiers:
        name = tier.get("TIER_ID", "")
        parsed = parse_tier_id(name)
        assert parsed is not None
        annotator, label = parsed
        declared = tier.get("ANNOTATOR")
        if declared and declared != annotator:
            raise ValidationError(
                f"tier {name}", f"ANNOTATOR {declared!r} differs from the tier id's {annotator!r}"
            )
        if tier.get("PARENT_REF"):
            raise ValidationError(f"tier {name}", "affect tiers must be top-level tiers")
        if label.startswith("AU"):
            label = schema.validate_au(label, field=f"tier {name}")
        by_time = segments.setdefault(annotator, {})
        for annotation in tier.iterfind("ANNOTATION/*"):
            where = f"tier {name} annotation {annotation.get('ANNOTATION_ID', '?')}"
            if annotation.tag != "ALIGNABLE_ANNOTATION":
                raise ValidationError(where, "only time-aligned annotations are supported")
            t0 = slots.get(annotation.get("TIME_SLOT_REF1", ""))
            t1 = slots.get(annotation.get("TIME_SLOT_REF2", ""))
            if t0 is None or t1 is None:
                raise ValidationError(where, "time slot is missing or has no time value")
            schema.validate_interval(t0, t1, duration_ms, field=where)
            text = annotation.findtext("ANNOTATION_VALUE") or ""
            segment = by_time.setdefault((t0, t1), Segment(t0, t1))
            _apply(segment, label, text, schema, where)

    layers = []
    for annotator, by_time in segments.items():
        layer = Layer(
            layer_id=properties.get(f"fieldmark:layer:{annotator}", f"{video}:{annotator}"),
            video_id=video,
            annotator=annotator,
            schema_version=schema.version,
            segments=[by_time[key] for key in sorted(by_time)],
        )
        layer.validate(schema, duration_ms)
        layers.append(layer)
    return layers


def _apply(segment: Segment, label: str, text: str, schema: AffectSchema, where: str) -> None:
    value = text.strip()
    if label.startswith("AU"):
        try:
            intensity = intensity_from_letter(value)
        except ValidationError as exc:
            raise ValidationError(where, exc.message) from None
        segment.aus[label] = intensity
    elif label == "emotion":
        segment.emotion = schema.validate_category(value, field=where)
    elif label == "note":
        segment.note = text
    else:
        try:
            number = float(value)
        except ValueError:
            raise ValidationError(where, f"{value!r} is not a number") from None
        if math.isnan(number):
            raise ValidationError(where, "NaN is not a dimension value")
        segment.dimensions[label] = schema.validate_dimension(label, number, field=where)
