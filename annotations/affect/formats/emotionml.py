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

Frame traces of valence and arousal are written as EmotionML 1.0 ``<trace freq="..Hz"
samples="..."/>`` inside a ``<dimension>``: one ``<emotion>`` per track and per run of coded
frames (uncoded frames, NaN, cannot be a sample), timed like a segment from the run's first frame.
:func:`read_emotionml` reads both back (segments and traces), so an export re-imports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Final, Literal

import numpy as np
from lxml import etree

from annotations.affect.formats.eaf import parse_xml_safely
from annotations.affect.model import Layer, Segment, Trace
from annotations.affect.schema import DEFAULT_SCHEMA, AffectSchema, ValidationError

NS: Final = "http://www.w3.org/2009/10/emotionml"
PAD_URI: Final = "http://www.w3.org/TR/emotion-voc/xml#pad-dimensions"
BIG6_URI: Final = "http://www.w3.org/TR/emotion-voc/xml#big6"
DIMENSION_NAMES: Final = {"valence": "pleasure", "arousal": "arousal"}
TRACKS_BY_DIMENSION: Final = {name: track for track, name in DIMENSION_NAMES.items()}
_FREQ: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*Hz\s*$")
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
        for track in (t for t in schema.dimensions if t in layer.traces):
            trace = layer.traces[track]
            for n, (first, last) in enumerate(_coded_runs(trace.values)):
                emotion = etree.SubElement(
                    root, _q("emotion"), id=f"{layer.layer_id}-{track}-trace-{n}"
                )
                emotion.set("expressed-through", "face")
                t0_ms = round(first * 1000 / trace.fps)
                t1_ms = round((last + 1) * 1000 / trace.fps)
                if time == "offset":
                    emotion.set("time-ref-uri", media_uri)
                    emotion.set("offset-to-start", str(t0_ms))
                    emotion.set("duration", str(t1_ms - t0_ms))
                dimension = etree.SubElement(emotion, _q("dimension"), name=DIMENSION_NAMES[track])
                samples = (trace.values[first : last + 1] + 1.0) / 2.0
                etree.SubElement(
                    dimension,
                    _q("trace"),
                    freq=f"{trace.fps:g}Hz",
                    samples=" ".join(repr(float(v)) for v in samples),
                )
                if time == "fragment":
                    fragment = f"#t={_seconds(t0_ms)},{_seconds(t1_ms)}"
                    etree.SubElement(
                        emotion, _q("reference"), uri=media_uri + fragment, role="expressedBy"
                    )
                info = etree.SubElement(emotion, _q("info"))
                etree.SubElement(info, "{urn:fieldmark}annotator").text = layer.annotator
                etree.SubElement(info, "{urn:fieldmark}start-frame").text = str(first)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _coded_runs(values: np.ndarray[Any, Any]) -> list[tuple[int, int]]:
    """``(first, last)`` frame of each run of coded (non-NaN) values."""
    coded = ~np.isnan(values)
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, ok in enumerate(coded.tolist()):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(values) - 1))
    return runs


def _interval_ms(emotion: Any, where: str) -> tuple[int, int]:
    """An emotion's media time: ``offset-to-start``/``duration`` or a ``#t=`` fragment."""
    offset, duration = emotion.get("offset-to-start"), emotion.get("duration")
    if offset is not None and duration is not None and offset.isdigit() and duration.isdigit():
        return int(offset), int(offset) + int(duration)
    for ref in emotion.iterfind(_q("reference")):
        match = re.search(r"#t=(?:npt:)?([\d.]+),([\d.]+)$", ref.get("uri") or "")
        if match:
            return round(float(match[1]) * 1000), round(float(match[2]) * 1000)
    raise ValidationError(where, "has no media time (offset-to-start/duration or #t=)")


def _from_unit(value: str | None, where: str) -> float:
    if not _unit(value):
        raise ValidationError(where, f"value {value!r} is not a number in [0, 1]")
    return float(value or 0) * 2.0 - 1.0


def read_emotionml(
    data: bytes, *, fps: float, n_frames: int, schema: AffectSchema = DEFAULT_SCHEMA
) -> dict[str, tuple[list[Segment], dict[str, Trace]]]:
    """Segments and valence/arousal traces by annotator (``<info><fieldmark:annotator>``, else
    ``"emotionml"``), as :func:`write_emotionml` writes them. Traces are resampled to the video's
    frame rate by nearest earlier sample; dimension values go back from [0, 1] to [-1, 1]."""
    problems = validate_emotionml(data)
    if problems:
        raise ValidationError("file", "; ".join(problems[:5]))
    root = parse_xml_safely(data, MAX_EMOTIONML_BYTES, "EmotionML document")
    out: dict[str, tuple[list[Segment], dict[str, Trace]]] = {}
    for i, emotion in enumerate(root.iterfind(_q("emotion"))):
        where = f"emotion[{i}]"
        who = emotion.findtext(f"{_q('info')}/{{urn:fieldmark}}annotator") or "emotionml"
        segments, traces = out.setdefault(who.strip(), ([], {}))
        t0_ms, t1_ms = _interval_ms(emotion, where)
        category = emotion.find(_q("category"))
        dimensions: dict[str, float] = {}
        for dimension in emotion.iterfind(_q("dimension")):
            track = TRACKS_BY_DIMENSION.get(dimension.get("name") or "")
            if track is None or track not in schema.dimensions:
                continue
            sampled = dimension.find(_q("trace"))
            if sampled is None:
                dimensions[track] = _from_unit(dimension.get("value"), f"{where}.dimension")
                continue
            freq = _FREQ.match(sampled.get("freq") or "")
            if not freq or float(freq[1]) <= 0:
                raise ValidationError(f"{where}.trace", "freq must be a positive number of Hz")
            samples = np.array(
                [_from_unit(v, f"{where}.trace") for v in (sampled.get("samples") or "").split()]
            )
            hz = float(freq[1])
            values = traces.setdefault(track, Trace(track, fps, np.full(n_frames, np.nan))).values
            start_frame = emotion.findtext(f"{_q('info')}/{{urn:fieldmark}}start-frame")
            if start_frame and start_frame.strip().isdigit() and hz == fps:
                first = int(start_frame)  # our own export: exact, not rounded through ms
            else:
                first = round(t0_ms * fps / 1000)
            last = min(n_frames, first + math.ceil(len(samples) * fps / hz))
            frames = np.arange(first, last)
            source = np.floor((frames - first) * hz / fps + 1e-9).astype(np.int64)
            keep = source < len(samples)
            values[frames[keep]] = samples[source[keep]]
        if category is not None or dimensions:
            segments.append(
                Segment(
                    t0_ms,
                    t1_ms,
                    emotion=category.get("name") if category is not None else None,
                    dimensions=dimensions,
                )
            )
    return out


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
