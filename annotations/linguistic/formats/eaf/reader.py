"""Building texts from an EAF document: one text head, then its utterances with their words,
morphemes, glosses, translations and notes, through a user-chosen tier mapping.

Everything the mapping does not take (unmapped tiers, the header, vocabularies, attributes) is
kept in ``Text.metadata["elan"]`` for the faithful export.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from annotations.linguistic.formats.eaf.document import Ann, Document, Tier, read_document
from annotations.linguistic.formats.eaf.hierarchy import (
    Resolver,
    group_by_owner,
    in_order,
    is_below,
)
from annotations.linguistic.formats.eaf.mapping import TierMapping, mapping_doc, parallel_mappings
from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, Readable, check_size

_MARKERS = "-="


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
    doc = read_document(source, max_bytes)
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
    res = Resolver(doc, problems)
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


def _document_meta(doc: Document, groups: list[TierMapping]) -> dict[str, Any]:
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
        "groups": [mapping_doc(g) for g in groups],
        "unmapped": unmapped,
        # Unmapped annotations keep their time slots: id, value and place in the time order.
        "slots": [
            [sid, doc.slot_value[sid], doc.slot_time[sid]] for sid in doc.order if sid in slots
        ],
    }


def _utterances(
    doc: Document,
    res: Resolver,
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

    def level_of(tier: Tier) -> Tier:
        for lvl in (m_tier, w_tier):
            if lvl is not None and is_below(doc, tier.id, lvl.id):
                return lvl
        return u_tier

    def grouped(tier_id: str, role: str) -> tuple[Tier, dict[str, list[Ann]]]:
        tier = doc.tiers[tier_id]
        lvl = level_of(tier)
        return lvl, group_by_owner(doc, res, tier, lvl, role, problems)

    words = group_by_owner(doc, res, w_tier, u_tier, "words", problems) if w_tier else {}
    morphs = (
        group_by_owner(doc, res, m_tier, w_tier, "morphemes", problems) if m_tier and w_tier else {}
    )
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
    utt_anns = in_order(doc, list(u_tier.anns), res)
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


def _times(doc: Document, ann: Ann) -> tuple[int | None, int | None]:
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
