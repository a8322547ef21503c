"""W3C EmotionML 1.0 export of segment layers, and a validator for the rules we can check.

One ``<emotion>`` per segment that has an emotion category or a valence/arousal value.
Valence is exported as the PAD ``pleasure`` dimension and arousal as ``arousal``, both rescaled
from [-1, 1] to EmotionML's [0, 1] by ``(v + 1) / 2``.

Time: EmotionML's ``start``/``end`` are absolute (ms since 1970), so media-relative times are
given either as a ``<reference uri="media#t=1.2,3.4"/>`` media fragment (``time="fragment"``,
the default) or as ``offset-to-start``/``duration`` in ms against ``time-ref-uri``
(``time="offset"``).

A category set with an EmotionML vocabulary URI (``big6``) is referenced; any other (Ekman with
neutral, AffectNet, custom) is declared inline as ``<vocabulary type="category">``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from lxml import etree

from annotations.affect.formats.eaf import parse_xml_safely
from annotations.affect.model import Layer
from annotations.affect.schema import DEFAULT_SCHEMA, AffectSchema, ValidationError

NS: Final = "http://www.w3.org/2009/10/emotionml"
PAD_URI: Final = "http://www.w3.org/TR/emotion-voc/xml#pad-dimensions"
BIG6_URI: Final = "http://www.w3.org/TR/emotion-voc/xml#big6"
DIMENSION_NAMES: Final = {"valence": "pleasure", "arousal": "arousal"}
KNOWN_VOCABULARIES: Final = {
    BIG6_URI: (
        "category",
        frozenset({"anger", "disgust", "fear", "happiness", "sadness", "surprise"}),
    ),
    PAD_URI: ("dimension", frozenset({"pleasure", "arousal", "dominance"})),
}
MAX_EMOTIONML_BYTES: Final = 50 * 1024 * 1024
DESCRIPTORS: Final = ("category", "dimension", "appraisal", "action-tendency")
_SET_ATTR: Final = {
    "category": "category-set",
    "dimension": "dimension-set",
    "appraisal": "appraisal-set",
    "action-tendency": "action-tendency-set",
}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".") if ms % 1000 else str(ms // 1000)


def write_emotionml(
    layers: Sequence[Layer],
    *,
    media_uri: str,
    schema: AffectSchema = DEFAULT_SCHEMA,
    time: Literal["fragment", "offset"] = "fragment",
) -> bytes:
    """EmotionML document (UTF-8 bytes) for the segments of the given layers."""
    default_namespace: Any = {None: NS}  # lxml-stubs cannot type a default-namespace map
    root = etree.Element(_q("emotionml"), nsmap=default_namespace, version="1.0")
    emotions = schema.emotions
    if emotions.vocabulary_uri:
        root.set("category-set", emotions.vocabulary_uri)
    else:
        root.set("category-set", f"#{emotions.name}")
    root.set("dimension-set", PAD_URI)
    if not emotions.vocabulary_uri:
        vocabulary = etree.SubElement(root, _q("vocabulary"), type="category", id=emotions.name)
        for name in emotions.categories:
            etree.SubElement(vocabulary, _q("item"), name=name)
    for layer in layers:
        layer.validate(schema)
        for n, segment in enumerate(sorted(layer.segments, key=lambda s: (s.t0_ms, s.t1_ms))):
            dims = [d for d in schema.dimensions if d in segment.dimensions]
            if segment.emotion is None and not dims:
                continue
            emotion = etree.SubElement(root, _q("emotion"), id=f"{layer.layer_id}-{n}")
            emotion.set("expressed-through", "face")
            if time == "offset":
                emotion.set("time-ref-uri", media_uri)
                emotion.set("offset-to-start", str(segment.t0_ms))
                emotion.set("duration", str(segment.t1_ms - segment.t0_ms))
            if segment.emotion is not None:
                etree.SubElement(emotion, _q("category"), name=segment.emotion)
            for d in dims:
                value = (segment.dimensions[d] + 1.0) / 2.0
                etree.SubElement(
                    emotion, _q("dimension"), name=DIMENSION_NAMES[d], value=repr(value)
                )
            if time == "fragment":
                fragment = f"#t={_seconds(segment.t0_ms)},{_seconds(segment.t1_ms)}"
                etree.SubElement(
                    emotion, _q("reference"), uri=media_uri + fragment, role="expressedBy"
                )
            info = etree.SubElement(emotion, _q("info"))
            etree.SubElement(info, "{urn:fieldmark}annotator").text = layer.annotator
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _unit(value: str | None) -> bool:
    try:
        number = float(value) if value is not None else -1.0
    except ValueError:
        return False
    return 0.0 <= number <= 1.0


def validate_emotionml(data: bytes) -> list[str]:
    """Problems found against EmotionML 1.0's checkable rules; empty when none.

    Checks: root element and namespace, ``version="1.0"``; every ``<emotion>`` has at least one
    descriptor; each descriptor type used has a declared set (on the emotion or the root); names
    belong to the set when the set is known (inline vocabulary or a W3C vocabulary we ship);
    ``value`` and ``confidence`` in [0, 1]; ``dimension`` has a ``value`` or a ``<trace>``;
    ``reference`` has a ``uri``; ``duration``/``offset-to-start`` are non-negative integers and
    ``start <= end``; vocabularies have a valid ``type``, an ``id`` and unique item names.
    """
    try:
        root = parse_xml_safely(data, MAX_EMOTIONML_BYTES, "EmotionML document")
    except ValidationError as exc:
        return [exc.message]
    problems: list[str] = []
    if root.tag != _q("emotionml"):
        return [f"root element is {root.tag!r}, not {{{NS}}}emotionml"]
    if root.get("version") != "1.0":
        problems.append(f"emotionml: version must be '1.0', got {root.get('version')!r}")

    vocabularies: dict[str, tuple[str, frozenset[str]]] = dict(KNOWN_VOCABULARIES)
    for i, vocabulary in enumerate(root.iterfind(_q("vocabulary"))):
        where = f"vocabulary[{i}]"
        kind, vid = vocabulary.get("type"), vocabulary.get("id")
        if kind not in DESCRIPTORS:
            problems.append(f"{where}: type {kind!r} is not one of {', '.join(DESCRIPTORS)}")
        if not vid:
            problems.append(f"{where}: missing id")
        items = [item.get("name") for item in vocabulary.iterfind(_q("item"))]
        if not items or any(not name for name in items):
            problems.append(f"{where}: needs items, each with a name")
        if len(set(items)) != len(items):
            problems.append(f"{where}: item names repeat")
        if vid and kind:
            vocabularies[f"#{vid}"] = (kind, frozenset(n for n in items if n))

    for i, emotion in enumerate(root.iterfind(_q("emotion"))):
        where = f"emotion[{i}]"
        descriptors = [child for child in emotion if child.tag in {_q(d) for d in DESCRIPTORS}]
        if not descriptors:
            problems.append(
                f"{where}: needs at least one category, dimension, appraisal or action-tendency"
            )
        for child in descriptors:
            kind = etree.QName(child).localname
            set_uri = emotion.get(_SET_ATTR[kind]) or root.get(_SET_ATTR[kind])
            name = child.get("name")
            if not name:
                problems.append(f"{where}.{kind}: missing name")
            if set_uri is None:
                problems.append(f"{where}.{kind}: no {_SET_ATTR[kind]} declared")
            elif set_uri in vocabularies:
                vkind, names = vocabularies[set_uri]
                if vkind != kind:
                    problems.append(f"{where}.{kind}: {set_uri} is a {vkind} vocabulary")
                elif name and name not in names:
                    problems.append(f"{where}.{kind}: {name!r} is not in {set_uri}")
            if (
                kind != "category"
                and child.get("value") is None
                and child.find(_q("trace")) is None
            ):
                problems.append(f"{where}.{kind} {name!r}: needs a value or a trace")
            if child.get("value") is not None and not _unit(child.get("value")):
                problems.append(
                    f"{where}.{kind} {name!r}: value {child.get('value')} not in [0, 1]"
                )
            if child.get("confidence") is not None and not _unit(child.get("confidence")):
                problems.append(f"{where}.{kind} {name!r}: confidence not in [0, 1]")
        for ref in emotion.iterfind(_q("reference")):
            if not ref.get("uri"):
                problems.append(f"{where}.reference: missing uri")
        for attr in ("duration", "offset-to-start", "start", "end"):
            value = emotion.get(attr)
            if value is not None and not value.isdigit():
                problems.append(f"{where}: {attr} {value!r} is not a non-negative integer (ms)")
        start, end = emotion.get("start"), emotion.get("end")
        if start and end and start.isdigit() and end.isdigit() and int(start) > int(end):
            problems.append(f"{where}: start is after end")
    return problems
