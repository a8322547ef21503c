"""ELAN ``.eaf`` files: import linguistic tiers through a user-chosen tier mapping, export EAF 3.0.

ELAN tiers have no fixed meaning, so the importer is told which tier holds utterances, words,
morphemes, glosses, parts of speech and translations (``TierMapping``); ``tier_summary`` lists the
tiers of a file so a user can choose. Child annotations are attached to their parents through
the tier hierarchy: symbolic references (Symbolic_Subdivision / Symbolic_Association) directly,
time-aligned ones (Time_Subdivision / Included_In, or independent tiers) by time, where time
slots without a value get a time interpolated from their neighbours in the time order.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    iterparse,
    line_of,
    release,
)

_MARKERS = "-="
_XML_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class TierMapping:
    """Which ELAN tier (by TIER_ID) plays which role; unmapped tiers are ignored.

    ``translations`` maps a language code to a tier; ``tiers`` maps a custom tier name (stored in
    the ``tiers`` dict of the utterance, word or morpheme it attaches to) to an ELAN tier.
    """

    utterance: str
    words: str | None = None
    morphemes: str | None = None
    gloss: str | None = None
    pos: str | None = None
    translations: Mapping[str, str] = field(default_factory=dict)
    notes: str | None = None
    tiers: Mapping[str, str] = field(default_factory=dict)
    speakers: bool = True

    def roles(self) -> list[tuple[str, str]]:
        """(role, tier id) for every mapped tier, for validation and messages."""
        out = [("utterance", self.utterance)]
        for role in ("words", "morphemes", "gloss", "pos", "notes"):
            tier = getattr(self, role)
            if tier:
                out.append((role, tier))
        out += [(f"translation:{lang}", t) for lang, t in self.translations.items()]
        out += [(f"tier:{name}", t) for name, t in self.tiers.items()]
        return out


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
class _Ann:
    id: str
    value: str
    line: int
    start: str | None = None
    end: str | None = None
    ref: str | None = None
    prev: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Tier:
    id: str
    type: str
    parent: str | None
    participant: str | None
    lang: str | None
    anns: list[_Ann] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Doc:
    tiers: dict[str, _Tier]
    constraints: dict[str, str | None]
    slot_value: dict[str, int | None]
    slot_time: dict[str, float]
    slot_index: dict[str, int]
    media: str | None
    by_id: dict[str, tuple[_Tier, _Ann]]
    order: list[str] = field(default_factory=list)
    root_attrs: list[list[str]] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    lead: list[dict[str, Any]] = field(default_factory=list)
    tail: list[dict[str, Any]] = field(default_factory=list)


def _read(source: Readable, max_bytes: int) -> _Doc:
    """The tiers and time slots of an EAF file as compact records, from a streamed parse that
    frees each annotation as it ends (tiers refer to each other, so the whole file is needed)."""
    root: etree._Element | None = None
    slot_value: dict[str, int | None] = {}
    order: list[str] = []
    constraints: dict[str, str | None] = {}
    media: str | None = None
    media_seen = False
    tiers: dict[str, _Tier] = {}
    by_id: dict[str, tuple[_Tier, _Ann]] = {}
    tier: _Tier | None = None
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
                tier = _Tier(
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
    return _Doc(
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


def _annotation(a: etree._Element) -> _Ann:
    v = a.find("ANNOTATION_VALUE")
    ann = _Ann(
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
    doc = _read(io.BytesIO(data) if isinstance(data, bytes) else data, max_bytes)
    return [
        TierInfo(
            t.id, t.type, doc.constraints.get(t.type), t.parent, t.participant, t.lang, len(t.anns)
        )
        for t in doc.tiers.values()
    ]


class _Resolver:
    """Finds, for an annotation, the annotation it belongs to on a given (level) tier."""

    def __init__(self, doc: _Doc, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self._starts: dict[str, tuple[list[float], list[_Ann]]] = {}

    def interval(self, ann: _Ann) -> tuple[float, float] | None:
        if ann.start is None or ann.end is None:
            return None
        st = self.doc.slot_time
        if ann.start not in st or ann.end not in st:
            return None
        return st[ann.start], st[ann.end]

    def _index(self, tier: _Tier) -> tuple[list[float], list[_Ann]]:
        if tier.id not in self._starts:
            timed = [(iv, a) for a in tier.anns if (iv := self.interval(a)) is not None]
            timed.sort(key=lambda x: x[0])
            self._starts[tier.id] = ([iv[0] for iv, _ in timed], [a for _, a in timed])
        return self._starts[tier.id]

    def by_time(self, ann: _Ann, level: _Tier) -> _Ann | None:
        iv = self.interval(ann)
        if iv is None:
            return None
        mid = (iv[0] + iv[1]) / 2
        starts, anns = self._index(level)
        i = bisect.bisect_right(starts, mid) - 1
        # Zero-length children sit on a boundary; they belong to the interval that starts there.
        if i >= 0:
            cand = anns[i]
            civ = self.interval(cand)
            if civ is not None and civ[0] <= mid <= civ[1]:
                return cand
        return None

    def owner(self, ann: _Ann, tier: _Tier, level: _Tier) -> _Ann | None:
        """Walk up references/time containment from ``ann`` until reaching ``level``."""
        cur_tier, cur = tier, ann
        for _ in range(64):
            if cur_tier.id == level.id:
                return cur
            if cur.ref is not None:
                found = self.doc.by_id.get(cur.ref)
                if found is None:
                    return None
                cur_tier, cur = found
                continue
            parent = self.doc.tiers.get(cur_tier.parent or "")
            if parent is None or not _is_below(self.doc, parent.id, level.id):
                return self.by_time(cur, level)
            up = self.by_time(cur, parent)
            if up is None:
                return None
            cur_tier, cur = parent, up
        return None


def _is_below(doc: _Doc, tier_id: str, level_id: str) -> bool:
    seen = set()
    cur: str | None = tier_id
    while cur is not None and cur not in seen:
        if cur == level_id:
            return True
        seen.add(cur)
        t = doc.tiers.get(cur)
        cur = t.parent if t else None
    return False


def _ordered(doc: _Doc, children: list[_Ann], res: _Resolver) -> list[_Ann]:
    """Children of one parent in order: by time if aligned, else by PREVIOUS_ANNOTATION chain."""
    if len(children) < 2:
        return children
    if all(c.start is not None for c in children):
        return sorted(
            children,
            key=lambda a: (res.interval(a) or (0.0, 0.0), doc.slot_index.get(a.start or "", 0)),
        )
    ids = {c.id for c in children}
    nxt = {c.prev: c for c in children if c.prev in ids}
    first = [c for c in children if c.prev not in ids]
    if len(first) != 1:
        return children
    out = [first[0]]
    while out[-1].id in nxt and len(out) <= len(children):
        out.append(nxt[out[-1].id])
    return out if len(out) == len(children) else children


def _group(
    doc: _Doc, res: _Resolver, tier: _Tier, level: _Tier, role: str, problems: list[Problem]
) -> dict[str, list[_Ann]]:
    """Annotations of ``tier`` grouped by the id of their owner on ``level``, in order."""
    groups: dict[str, list[_Ann]] = {}
    linked = _is_below(doc, tier.id, level.id)
    for ann in tier.anns:
        if not linked and ann.start is None:
            problems.append(
                Problem(
                    f"tier {tier.id!r} ({role}) is neither below tier {level.id!r} "
                    "nor time-aligned",
                    ann.line,
                    tier.id,
                )
            )
            break
        owner = res.owner(ann, tier, level)
        if owner is None:
            problems.append(
                Problem(
                    f"annotation {ann.id} on tier {tier.id!r} ({role}) has no parent on tier "
                    f"{level.id!r}",
                    ann.line,
                    tier.id,
                )
            )
            continue
        groups.setdefault(owner.id, []).append(ann)
    return {k: _ordered(doc, v, res) for k, v in groups.items()}


def _strip(value: str) -> tuple[str, str, str]:
    """(leading marker, bare value, trailing marker) of a morph like ``-PST`` or ``ni-``."""
    lead = value[0] if len(value) > 1 and value[0] in _MARKERS else ""
    trail = value[-1] if len(value) > 1 and value[-1] in _MARKERS else ""
    bare = value[len(lead) : len(value) - len(trail)] if lead or trail else value
    return lead, bare, trail


def loads(
    data: bytes,
    mapping: TierMapping,
    *,
    text_id: str = "text",
    title: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Text:
    """Import the mapped tiers of an EAF file as one text (:func:`iter_texts` over bytes).

    Raises FormatError naming any mapped tier that does not exist (with the tiers that do), and
    every annotation that cannot be attached to a parent.
    """
    check_size(data, max_bytes)
    problems: list[Problem] = []
    [text] = gather(
        iter_texts(
            io.BytesIO(data), mapping, problems, text_id=text_id, title=title, max_bytes=max_bytes
        )
    )
    if problems:
        raise FormatError.collect(problems, "ELAN file")
    return text


def iter_texts(
    source: Readable,
    mapping: TierMapping,
    problems: list[Problem],
    *,
    text_id: str = "text",
    title: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """The mapped tiers of an EAF file as one text head, then its utterances one at a time.

    The file is parsed in a stream into compact annotation records (not an XML tree); a mapped
    tier that does not exist is a FormatError, unattached annotations go to ``problems``.
    """
    doc = _read(source, max_bytes)
    missing = [(role, t) for role, t in mapping.roles() if t not in doc.tiers]
    if missing:
        available = ", ".join(repr(t) for t in doc.tiers)
        raise FormatError.collect(
            [
                Problem(
                    f"unknown tier {t!r} mapped as {role}; tiers in the file: {available}",
                    element=t,
                )
                for role, t in missing
            ],
            "tier mapping",
        )
    res = _Resolver(doc, problems)
    groups = parallel_mappings(doc, mapping)
    utterances: list[Utterance] = []
    dep_attrs: dict[str, dict[str, str]] = {}
    for group in groups:
        utterances.extend(_utterances(doc, res, group, problems, dep_attrs))
    if len(groups) > 1:
        # Several speakers: one text in time order (an utterance without a time keeps its place
        # after the one before it on its own tier).
        utterances.sort(key=_start_key)
    text = Text(id=text_id, title=title, language=doc.tiers[mapping.utterance].lang)
    speakers = [doc.tiers[g.utterance].participant for g in groups]
    text.speakers = [sp for sp in dict.fromkeys(speakers) if sp]
    text.metadata["elan"] = _document_meta(doc, groups)
    text.metadata["elan"]["ann_attrs"].update(dep_attrs)
    yield text
    for order, utt in enumerate(utterances):
        utt.order = order
        yield utt


def _start_key(utt: Utterance) -> tuple[float, int]:
    start = utt.media.start_ms if utt.media is not None else None
    return (float(start) if start is not None else float("inf"), 0)


def parallel_mappings(doc: _Doc, mapping: TierMapping) -> list[TierMapping]:
    """The mapping, and for each further speaker (a top-level tier of the utterance tier's
    type, ELAN's usual one-tier-set-per-participant layout) the same roles on that speaker's
    tiers: the child tiers of the same linguistic types."""
    if not mapping.speakers:
        return [mapping]
    main = doc.tiers[mapping.utterance]
    used = {t for _, t in mapping.roles()}
    out = [mapping]
    for other in doc.tiers.values():
        if other.id in used or other.parent is not None or other.type != main.type:
            continue
        found = _same_roles(doc, mapping, main, other)
        if found is not None:
            out.append(found)
            used |= {t for _, t in found.roles()}
    return out


def _same_roles(doc: _Doc, mapping: TierMapping, main: _Tier, other: _Tier) -> TierMapping | None:
    def path_of(tier_id: str) -> list[_Tier]:
        path: list[_Tier] = []
        cur: _Tier | None = doc.tiers.get(tier_id)
        while cur is not None and cur.id != main.id:
            path.append(cur)
            cur = doc.tiers.get(cur.parent or "")
        return list(reversed(path)) if cur is not None else []

    def twin(tier_id: str | None) -> str | None:
        if tier_id is None:
            return None
        at = other
        for step in path_of(tier_id):
            kids = [t for t in doc.tiers.values() if t.parent == at.id and t.type == step.type]
            if len(kids) != 1:
                return None
            at = kids[0]
        return at.id

    words = twin(mapping.words)
    if mapping.words and words is None:
        return None
    return TierMapping(
        utterance=other.id,
        words=words,
        morphemes=twin(mapping.morphemes),
        gloss=twin(mapping.gloss),
        pos=twin(mapping.pos),
        translations={k: t for k, v in mapping.translations.items() if (t := twin(v))},
        notes=twin(mapping.notes),
        tiers={k: t for k, v in mapping.tiers.items() if (t := twin(v))},
        speakers=False,
    )


def _document_meta(doc: _Doc, groups: list[TierMapping]) -> dict[str, Any]:
    """What a faithful export needs beyond the corpus: the document's header, tier
    definitions, types, vocabularies and the annotations of every tier no role took."""
    mapped = {t for g in groups for _, t in g.roles()}
    unmapped: dict[str, list[list[Any]]] = {}
    slots: set[str] = set()
    for tier in doc.tiers.values():
        if tier.id in mapped:
            continue
        rows = []
        for a in tier.anns:
            rows.append([a.id, a.value, a.start, a.end, a.ref, a.prev, a.attrs or None])
            slots.update(x for x in (a.start, a.end) if x)
        unmapped[tier.id] = rows
    # Attributes of mapped annotations beyond ids and times (EXT_REF, CVE_REF, LANG_REF).
    kept_ids = {t for g in groups for t in (g.utterance, g.words, g.morphemes) if t}
    ann_attrs = {
        a.id: a.attrs for t in doc.tiers.values() if t.id in kept_ids for a in t.anns if a.attrs
    }
    return {
        "ann_attrs": ann_attrs,
        "root": doc.root_attrs,
        "header": doc.header,
        "lead": doc.lead,
        "tail": doc.tail,
        "tiers": [t.attrs for t in doc.tiers.values()],
        "groups": [_mapping_doc(g) for g in groups],
        "unmapped": unmapped,
        # Unmapped annotations keep their time slots: id, value and place in the time order.
        "slots": [
            [sid, doc.slot_value[sid], doc.slot_time[sid]] for sid in doc.order if sid in slots
        ],
    }


def _mapping_doc(m: TierMapping) -> dict[str, Any]:
    return {
        "utterance": m.utterance,
        "words": m.words,
        "morphemes": m.morphemes,
        "gloss": m.gloss,
        "pos": m.pos,
        "translations": dict(m.translations),
        "notes": m.notes,
        "tiers": dict(m.tiers),
    }


def _utterances(
    doc: _Doc,
    res: _Resolver,
    mapping: TierMapping,
    problems: list[Problem],
    dep_attrs: dict[str, dict[str, str]],
) -> list[Utterance]:
    """One speaker's utterances from its mapped tiers."""
    u_tier = doc.tiers[mapping.utterance]
    w_tier = doc.tiers[mapping.words] if mapping.words else None
    m_tier = doc.tiers[mapping.morphemes] if mapping.morphemes else None
    if m_tier is not None and w_tier is None:
        problems.append(Problem("a morphemes tier needs a words tier", element=m_tier.id))
        m_tier = None

    def level_of(tier: _Tier) -> _Tier:
        for lvl in (m_tier, w_tier):
            if lvl is not None and _is_below(doc, tier.id, lvl.id):
                return lvl
        return u_tier

    def grouped(tier_id: str, role: str) -> tuple[_Tier, dict[str, list[_Ann]]]:
        tier = doc.tiers[tier_id]
        lvl = level_of(tier)
        return lvl, _group(doc, res, tier, lvl, role, problems)

    words = _group(doc, res, w_tier, u_tier, "words", problems) if w_tier else {}
    morphs = _group(doc, res, m_tier, w_tier, "morphemes", problems) if m_tier and w_tier else {}
    values: dict[str, dict[str, str]] = {}  # owner annotation id -> attribute -> value
    for role, tier_id in mapping.roles()[1:]:
        if role in ("words", "morphemes"):
            continue
        lvl, groups = grouped(tier_id, role)
        wants_word = role in ("gloss", "pos")
        if (wants_word and lvl is u_tier) or (
            not wants_word and lvl is not u_tier and not role.startswith("tier:")
        ):
            expected = (mapping.morphemes or mapping.words) if wants_word else mapping.utterance
            parent = doc.tiers[tier_id].parent
            problems.append(
                Problem(
                    f"tier {tier_id!r} ({role}) must be a child of tier {expected!r}, "
                    f"but its parent is {parent!r}",
                    element=tier_id,
                )
            )
            continue
        for owner, anns in groups.items():
            for i, a in enumerate(anns):
                if a.attrs:
                    # Rebuilt with new ids on export: found again by tier, owner and place.
                    dep_attrs[f"{tier_id}|{owner}|{i}"] = a.attrs
            if all(not a.value for a in anns):
                # Empty annotations (an unglossed word's POS slot) are written back empty.
                dep_attrs[f"{tier_id}|{owner}|empty"] = {"n": str(len(anns))}
            if role == "notes":
                values.setdefault(owner, {})["notes"] = "\n".join(a.value for a in anns)
                continue
            if role == "gloss":
                gloss_values = [_strip(a.value)[1] if lvl is m_tier else a.value for a in anns]
                value = " ".join(gloss_values)
                if len(anns) > 1:
                    # Several gloss annotations on one morph (POSS 1SG): kept one by one.
                    values.setdefault(owner, {})["gloss_parts"] = "\x1f".join(gloss_values)
            else:
                value = " ".join(a.value for a in anns)
            values.setdefault(owner, {})[role] = value

    out: list[Utterance] = []
    utt_anns = _ordered(doc, list(u_tier.anns), res)
    for order, ua in enumerate(utt_anns):
        utt = Utterance(id=ua.id, order=order, transcription=ua.value, speaker=u_tier.participant)
        utt.layout["elan"] = {"tier": u_tier.id}
        if ua.start is not None:
            utt.media = MediaSpan(
                doc.slot_value.get(ua.start), doc.slot_value.get(ua.end or ""), doc.media
            )
        _apply(utt, values.get(ua.id, {}))
        for wa in words.get(ua.id, []):
            word = Word(form=wa.value, guid=wa.id)
            word.start, word.end = _times(doc, wa)
            _apply(word, values.get(wa.id, {}))
            parts = [(_strip(ma.value), ma) for ma in morphs.get(wa.id, [])]
            for i, ((lead, bare, _), ma) in enumerate(parts):
                # A boundary is written either before a morph (-PST) or after the previous (ni-).
                boundary = (lead or parts[i - 1][0][2]) if i else ""
                morph = Morpheme(form=bare, boundary=boundary, guid=ma.id)
                morph.start, morph.end = _times(doc, ma)
                if ma.value != boundary + bare:
                    # Written otherwise than boundary + form ("ni-"): the export keeps it.
                    morph.tiers["elan:value"] = ma.value
                _apply(morph, values.get(ma.id, {}))
                word.morphemes.append(morph)
            utt.words.append(word)
        out.append(utt)
    return out


def _times(doc: _Doc, ann: _Ann) -> tuple[int | None, int | None]:
    """An annotation's own aligned times (None for an unaligned slot or a reference)."""
    if ann.start is None:
        return None, None
    return doc.slot_value.get(ann.start), doc.slot_value.get(ann.end or "")


def _apply(obj: Utterance | Word | Morpheme, vals: dict[str, str]) -> None:
    for role, value in vals.items():
        if role.startswith("translation:") and isinstance(obj, Utterance):
            obj.translations[role.split(":", 1)[1]] = value
        elif role.startswith("tier:"):
            obj.tiers[role.split(":", 1)[1]] = value
        elif role == "notes" and isinstance(obj, Utterance):
            obj.notes = value.split("\n")
        elif role == "gloss" and not isinstance(obj, Utterance):
            obj.gloss = value
        elif role == "gloss_parts" and not isinstance(obj, Utterance):
            obj.gloss_parts = value.split("\x1f")
        elif role == "pos" and not isinstance(obj, Utterance):
            obj.pos = value
