"""An EAF document as compact records: its tiers, their annotations and the time slots, read in
one streamed parse; ``tier_summary`` lists the tiers for choosing a mapping.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Readable,
    iterparse,
    line_of,
    release,
)


@dataclass(frozen=True, slots=True)
class TierInfo:
    """What a user needs to map a tier: its type, constraint, parent and size."""

    id: str
    linguistic_type: str
    constraint: str | None
    parent: str | None
    participant: str | None
    lang: str | None
    annotations: int


@dataclass(slots=True)
class Ann:
    id: str
    value: str
    line: int
    start: str | None = None
    end: str | None = None
    ref: str | None = None
    prev: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Tier:
    id: str
    type: str
    parent: str | None
    participant: str | None
    lang: str | None
    anns: list[Ann] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    tiers: dict[str, Tier]
    constraints: dict[str, str | None]
    slot_value: dict[str, int | None]
    slot_time: dict[str, float]
    slot_index: dict[str, int]
    media: str | None
    by_id: dict[str, tuple[Tier, Ann]]
    order: list[str] = field(default_factory=list)
    root_attrs: list[list[str]] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    lead: list[dict[str, Any]] = field(default_factory=list)
    tail: list[dict[str, Any]] = field(default_factory=list)


def read_document(source: Readable, max_bytes: int) -> Document:
    """The tiers and time slots of an EAF file as compact records, from a streamed parse that
    frees each annotation as it ends (tiers refer to each other, so the whole file is needed)."""
    root: etree._Element | None = None
    slot_value: dict[str, int | None] = {}
    order: list[str] = []
    constraints: dict[str, str | None] = {}
    media: str | None = None
    media_seen = False
    tiers: dict[str, Tier] = {}
    by_id: dict[str, tuple[Tier, Ann]] = {}
    tier: Tier | None = None
    header: dict[str, Any] = {}
    lead: list[dict[str, Any]] = []
    tail: list[dict[str, Any]] = []
    for event, el in iterparse(source, max_bytes=max_bytes):
        if root is None:
            root = el
            if root.tag != "ANNOTATION_DOCUMENT":
                raise FormatError(
                    f"root element is <{root.tag}>, expected <ANNOTATION_DOCUMENT>",
                    line_of(root),
                    root.tag,
                )
            continue
        parent = el.getparent()
        up = parent.tag if parent is not None else None
        if event == "start":
            if el.tag == "TIER" and parent is root:
                tier = Tier(
                    id=el.get("TIER_ID", ""),
                    type=el.get("LINGUISTIC_TYPE_REF", ""),
                    parent=el.get("PARENT_REF"),
                    participant=el.get("PARTICIPANT") or None,
                    lang=el.get("LANG_REF"),
                    attrs={str(k): str(v) for k, v in el.attrib.items()},
                )
                tiers[tier.id] = tier
            continue
        if el.tag == "TIME_SLOT" and up == "TIME_ORDER":
            sid = el.get("TIME_SLOT_ID", "")
            raw = el.get("TIME_VALUE")
            slot_value[sid] = int(raw) if raw is not None and raw.lstrip("-").isdigit() else None
            order.append(sid)
        elif el.tag == "LINGUISTIC_TYPE" and parent is root:
            constraints[el.get("LINGUISTIC_TYPE_ID", "")] = el.get("CONSTRAINTS")
            tail.append(tree(el))
        elif el.tag == "MEDIA_DESCRIPTOR" and up == "HEADER" and not media_seen:
            media, media_seen = el.get("MEDIA_URL"), True
            continue
        elif el.tag == "HEADER" and parent is root:
            header = tree(el)
        elif parent is root and el.tag not in ("TIER", "TIME_ORDER"):
            # Locales, languages, constraints, controlled vocabularies, external references,
            # lexicon references, a licence: kept as they are and written back in place.
            (tail if tiers else lead).append(tree(el))
        elif el.tag == "ANNOTATION" and up == "TIER" and tier is not None:
            for a in el.iterchildren("*"):
                ann = _annotation(a)
                tier.anns.append(ann)
                by_id[ann.id] = (tier, ann)
        elif parent is not root:
            continue
        release(el)
    return Document(
        tiers=tiers,
        constraints=constraints,
        slot_value=slot_value,
        slot_time=_interpolate(order, slot_value),
        slot_index={sid: i for i, sid in enumerate(order)},
        media=media,
        by_id=by_id,
        order=order,
        root_attrs=_root_attrs(root),
        header=header,
        lead=lead,
        tail=tail,
    )


_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _root_attrs(root: etree._Element | None) -> list[list[str]]:
    """The document element's attributes as (name, value) pairs, the schema location with its
    usual ``xsi:`` prefix (pairs, since a namespace URI is no key for a stored document)."""
    if root is None:
        return []
    out = []
    for key, value in root.attrib.items():
        q = etree.QName(key)
        out.append([f"xsi:{q.localname}" if q.namespace == _XSI else q.localname, str(value)])
    return out


def tree(el: etree._Element) -> dict[str, Any]:
    """An element as plain data (tag, attributes, text, children), for storing and writing
    back parts of a document Fieldmark does not model."""
    doc: dict[str, Any] = {"tag": el.tag, "attrs": dict(el.attrib)}
    if el.text and el.text.strip():
        doc["text"] = el.text
    children = [tree(c) for c in el.iterchildren("*")]
    if children:
        doc["children"] = children
    return doc


def _annotation(a: etree._Element) -> Ann:
    v = a.find("ANNOTATION_VALUE")
    ann = Ann(
        id=a.get("ANNOTATION_ID", ""),
        value=(v.text or "") if v is not None else "",
        line=line_of(a) or 0,
    )
    if a.tag == "ALIGNABLE_ANNOTATION":
        ann.start, ann.end = a.get("TIME_SLOT_REF1"), a.get("TIME_SLOT_REF2")
    else:
        ann.ref, ann.prev = a.get("ANNOTATION_REF"), a.get("PREVIOUS_ANNOTATION")
    known = {"ANNOTATION_ID", "TIME_SLOT_REF1", "TIME_SLOT_REF2", "ANNOTATION_REF",
             "PREVIOUS_ANNOTATION"}  # fmt: skip
    ann.attrs = {str(k): str(v) for k, v in a.attrib.items() if k not in known}
    return ann


def _interpolate(order: list[str], values: dict[str, int | None]) -> dict[str, float]:
    """Give unaligned slots a time between their aligned neighbours (ELAN keeps slots ordered)."""
    known = [(i, values[s]) for i, s in enumerate(order) if values[s] is not None]
    out: dict[str, float] = {}
    k = 0
    for i, sid in enumerate(order):
        v = values[sid]
        if v is not None:
            out[sid] = float(v)
            continue
        while k < len(known) and known[k][0] < i:
            k += 1
        before = known[k - 1] if k > 0 else None
        after = known[k] if k < len(known) else None
        if before and after:
            b_i, b_v = before
            a_i, a_v = after
            lo, hi = float(b_v or 0), float(a_v or 0)
            out[sid] = lo + (hi - lo) * (i - b_i) / (a_i - b_i)
        elif before:
            out[sid] = float(before[1] or 0)
        elif after:
            out[sid] = float(after[1] or 0)
        else:
            out[sid] = float(i)
    return out


def tier_summary(data: bytes | Readable, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[TierInfo]:
    """List the tiers of an EAF file (bytes or a binary file object), in file order, for
    choosing a TierMapping."""
    doc = read_document(io.BytesIO(data) if isinstance(data, bytes) else data, max_bytes)
    return [
        TierInfo(
            t.id, t.type, doc.constraints.get(t.type), t.parent, t.participant, t.lang, len(t.anns)
        )
        for t in doc.tiers.values()
    ]
