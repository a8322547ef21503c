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

from lxml import etree

from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.formats.xmlwrite import attrs, esc_text
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


@dataclass(slots=True)
class _Tier:
    id: str
    type: str
    parent: str | None
    participant: str | None
    lang: str | None
    anns: list[_Ann] = field(default_factory=list)


@dataclass(slots=True)
class _Doc:
    tiers: dict[str, _Tier]
    constraints: dict[str, str | None]
    slot_value: dict[str, int | None]
    slot_time: dict[str, float]
    slot_index: dict[str, int]
    media: str | None
    by_id: dict[str, tuple[_Tier, _Ann]]


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
        elif el.tag == "MEDIA_DESCRIPTOR" and up == "HEADER" and not media_seen:
            media, media_seen = el.get("MEDIA_URL"), True
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
    )


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
            if role == "notes":
                values.setdefault(owner, {})["notes"] = "\n".join(a.value for a in anns)
                continue
            value = " ".join(a.value for a in anns)
            if lvl is m_tier and role == "gloss":
                value = _strip(value)[1]
            values.setdefault(owner, {})[role] = value

    yield Text(id=text_id, title=title, language=u_tier.lang)
    utt_anns = _ordered(doc, list(u_tier.anns), res)
    for order, ua in enumerate(utt_anns):
        utt = Utterance(id=ua.id, order=order, transcription=ua.value, speaker=u_tier.participant)
        if ua.start is not None:
            utt.media = MediaSpan(
                doc.slot_value.get(ua.start), doc.slot_value.get(ua.end or ""), doc.media
            )
        _apply(utt, values.get(ua.id, {}))
        for wa in words.get(ua.id, []):
            word = Word(form=wa.value)
            _apply(word, values.get(wa.id, {}))
            parts = [(_strip(ma.value), ma) for ma in morphs.get(wa.id, [])]
            for i, ((lead, bare, _), ma) in enumerate(parts):
                # A boundary is written either before a morph (-PST) or after the previous (ni-).
                boundary = (lead or parts[i - 1][0][2]) if i else ""
                morph = Morpheme(form=bare, boundary=boundary)
                _apply(morph, values.get(ma.id, {}))
                word.morphemes.append(morph)
            utt.words.append(word)
        yield utt


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
        elif role == "pos" and not isinstance(obj, Utterance):
            obj.pos = value


# --- export -------------------------------------------------------------------------------------


class _Ids:
    def __init__(self, reserved: set[str]) -> None:
        self.reserved = reserved
        self.n = 0

    def new(self) -> str:
        while True:
            self.n += 1
            candidate = f"a{self.n}"
            if candidate not in self.reserved:
                return candidate


def _ann_ref(aid: str, ref: str, value: str, prev: str | None = None) -> str:
    a = attrs([("ANNOTATION_ID", aid), ("ANNOTATION_REF", ref), ("PREVIOUS_ANNOTATION", prev)])
    return (
        f"<ANNOTATION><REF_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(value)}</ANNOTATION_VALUE>"
        "</REF_ANNOTATION></ANNOTATION>\n"
    )


def _tier_open(tier_id: str, ltype: str, parent: str, lang: str | None = None) -> str:
    a = attrs(
        [
            ("LINGUISTIC_TYPE_REF", ltype),
            ("PARENT_REF", parent),
            ("TIER_ID", tier_id),
            ("LANG_REF", lang),
        ]
    )
    return f"<TIER{a}>\n"


def dumps(text: Text, mapping: TierMapping, *, author: str = "Fieldmark") -> Iterator[str]:
    """Write a text as EAF 3.0 using the mapping's tier names, so loads() reads it back."""
    utt_ids = [u.id for u in text.utterances]
    unique = len(set(utt_ids)) == len(utt_ids)
    ok_ids = {i for i in utt_ids if _XML_ID.match(i)} if unique else set()
    ids = _Ids(set(ok_ids))
    uid = {u.order: (u.id if u.id in ok_ids else ids.new()) for u in text.utterances}
    media = next((u.media.media for u in text.utterances if u.media and u.media.media), None)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    a = attrs(
        [
            ("AUTHOR", author),
            ("DATE", "1970-01-01T00:00:00Z"),
            ("FORMAT", "3.0"),
            ("VERSION", "3.0"),
        ]
    )
    yield f"<ANNOTATION_DOCUMENT{a}>\n"
    yield '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">'
    if media:
        yield f"<MEDIA_DESCRIPTOR{attrs([('MEDIA_URL', media)])}/>"
    yield "</HEADER>\n<TIME_ORDER>\n"
    for u in text.utterances:
        span = u.media or MediaSpan()
        n = u.order
        for sid, value in ((f"ts{2 * n + 1}", span.start_ms), (f"ts{2 * n + 2}", span.end_ms)):
            yield f"<TIME_SLOT{attrs([('TIME_SLOT_ID', sid), ('TIME_VALUE', value)])}/>\n"
    yield "</TIME_ORDER>\n"
    speaker = next((u.speaker for u in text.utterances if u.speaker), None)
    a = attrs(
        [
            ("LINGUISTIC_TYPE_REF", "fm-utterance"),
            ("TIER_ID", mapping.utterance),
            ("PARTICIPANT", speaker),
            ("LANG_REF", text.language),
        ]
    )
    yield f"<TIER{a}>\n"
    for u in text.utterances:
        a = attrs(
            [
                ("ANNOTATION_ID", uid[u.order]),
                ("TIME_SLOT_REF1", f"ts{2 * u.order + 1}"),
                ("TIME_SLOT_REF2", f"ts{2 * u.order + 2}"),
            ]
        )
        yield (
            f"<ANNOTATION><ALIGNABLE_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(u.transcription)}"
            "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
        )
    yield "</TIER>\n"

    # Ids of words and morphemes, assigned once so dependent tiers can refer to them.
    word_ids: dict[tuple[int, int], str] = {}
    morph_ids: dict[tuple[int, int, int], str] = {}
    for u in text.utterances:
        for wi, w in enumerate(u.words):
            word_ids[(u.order, wi)] = ids.new()
            for mi in range(len(w.morphemes)):
                morph_ids[(u.order, wi, mi)] = ids.new()

    if mapping.words:
        yield _tier_open(mapping.words, "fm-subdivision", mapping.utterance)
        for u in text.utterances:
            prev = None
            for wi, w in enumerate(u.words):
                aid = word_ids[(u.order, wi)]
                yield _ann_ref(aid, uid[u.order], w.form, prev)
                prev = aid
        yield "</TIER>\n"
    if mapping.words and mapping.morphemes:
        yield _tier_open(mapping.morphemes, "fm-subdivision", mapping.words)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                prev = None
                for mi, m in enumerate(w.morphemes):
                    aid = morph_ids[(u.order, wi, mi)]
                    yield _ann_ref(aid, word_ids[(u.order, wi)], m.boundary + m.form, prev)
                    prev = aid
        yield "</TIER>\n"

    morph_level = bool(mapping.words and mapping.morphemes)
    for role, attr in (("gloss", "gloss"), ("pos", "pos")):
        tier_id = getattr(mapping, role)
        if not tier_id or not mapping.words:
            continue
        on_morphs = morph_level and any(
            getattr(m, attr) for u in text.utterances for w in u.words for m in w.morphemes
        )
        parent = mapping.morphemes if on_morphs and mapping.morphemes else mapping.words
        yield _tier_open(tier_id, "fm-association", parent)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                if on_morphs:
                    for mi, m in enumerate(w.morphemes):
                        value = getattr(m, attr)
                        if value:
                            if attr == "gloss" and m.boundary:
                                value = m.boundary + value
                            yield _ann_ref(ids.new(), morph_ids[(u.order, wi, mi)], value)
                elif getattr(w, attr):
                    yield _ann_ref(ids.new(), word_ids[(u.order, wi)], getattr(w, attr))
        yield "</TIER>\n"
    for lang, tier_id in mapping.translations.items():
        yield _tier_open(tier_id, "fm-association", mapping.utterance, lang)
        for u in text.utterances:
            if lang in u.translations:
                yield _ann_ref(ids.new(), uid[u.order], u.translations[lang])
        yield "</TIER>\n"
    if mapping.notes:
        yield _tier_open(mapping.notes, "fm-subdivision", mapping.utterance)
        for u in text.utterances:
            prev = None
            for note in u.notes:
                aid = ids.new()
                yield _ann_ref(aid, uid[u.order], note, prev)
                prev = aid
        yield "</TIER>\n"
    for name, tier_id in mapping.tiers.items():
        yield from _custom_tier(text, mapping, name, tier_id, uid, word_ids, morph_ids, ids)
    yield (
        '<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="fm-utterance" '
        'TIME_ALIGNABLE="true"/>\n'
        '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="fm-subdivision" TIME_ALIGNABLE="false"/>\n'
        '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="fm-association" TIME_ALIGNABLE="false"/>\n'
    )
    langs = {text.language, *mapping.translations} - {None}
    for lang in sorted(x for x in langs if x):
        yield f"<LANGUAGE{attrs([('LANG_ID', lang)])}/>\n"
    yield (
        '<CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations '
        'refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>\n'
        '<CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" '
        'STEREOTYPE="Symbolic_Association"/>\n'
    )
    yield "</ANNOTATION_DOCUMENT>\n"


def _custom_tier(
    text: Text,
    mapping: TierMapping,
    name: str,
    tier_id: str,
    uid: dict[int, str],
    word_ids: dict[tuple[int, int], str],
    morph_ids: dict[tuple[int, int, int], str],
    ids: _Ids,
) -> Iterator[str]:
    """A custom tier goes under the level whose objects carry it (morpheme, word or utterance)."""
    on_m = any(name in m.tiers for u in text.utterances for w in u.words for m in w.morphemes)
    on_w = any(name in w.tiers for u in text.utterances for w in u.words)
    if on_m and mapping.morphemes and mapping.words:
        yield _tier_open(tier_id, "fm-association", mapping.morphemes)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                for mi, m in enumerate(w.morphemes):
                    if name in m.tiers:
                        yield _ann_ref(ids.new(), morph_ids[(u.order, wi, mi)], m.tiers[name])
    elif on_w and mapping.words:
        yield _tier_open(tier_id, "fm-association", mapping.words)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                if name in w.tiers:
                    yield _ann_ref(ids.new(), word_ids[(u.order, wi)], w.tiers[name])
    else:
        yield _tier_open(tier_id, "fm-association", mapping.utterance)
        for u in text.utterances:
            if name in u.tiers:
                yield _ann_ref(ids.new(), uid[u.order], u.tiers[name])
    yield "</TIER>\n"
