"""Writing a text back into the ELAN document it was imported from.

An import keeps the document's header (media and linked files, properties), its tier
definitions, linguistic types, controlled vocabularies, languages, locales and external
references, and the annotations of every tier no role took (``Text.metadata["elan"]``). This
writer emits all of them again, with the mapped tiers (one set per speaker) rebuilt from the
corpus: utterances, words and morphemes with their own times and ids, glosses (several per
morph where there were several), parts of speech, translations, notes and custom tiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from annotations.linguistic.formats.xmlwrite import XML_ID, attrs, esc_text
from annotations.linguistic.model import Morpheme, Text, Utterance, Word

_ALIGNED = {None, "Time_Subdivision", "Included_In"}


@dataclass(slots=True)
class _Slot:
    value: int | None
    key: float
    seq: int


@dataclass(slots=True)
class _State:
    slots: dict[str, _Slot] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    n_ids: int = 0
    n_slots: int = 0
    extra: dict[str, dict[str, str]] = field(default_factory=dict)

    def slot(self, value: int | None, key: float) -> str:
        self.n_slots += 1
        sid = f"n{self.n_slots}"
        self.slots[sid] = _Slot(value, float(value) if value is not None else key, self.n_slots)
        return sid

    def ann_id(self, wanted: str | None) -> str:
        if wanted and XML_ID.match(wanted) and wanted not in self.used_ids:
            self.used_ids.add(wanted)
            return wanted
        while True:
            self.n_ids += 1
            candidate = f"fm{self.n_ids}"
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate


def tree_xml(doc: dict[str, Any]) -> str:
    """An element kept as plain data by the reader, as XML again."""
    pairs = [(str(k), str(v)) for k, v in dict(doc.get("attrs", {})).items()]
    inner = esc_text(str(doc.get("text", ""))) + "".join(
        tree_xml(c) for c in doc.get("children", [])
    )
    tag = str(doc["tag"])
    return f"<{tag}{attrs(pairs)}>{inner}</{tag}>" if inner else f"<{tag}{attrs(pairs)}/>"


def _alignable(aid: str, start: str, end: str, value: str, extra: dict[str, str] | None) -> str:
    a = attrs(
        [("ANNOTATION_ID", aid), ("TIME_SLOT_REF1", start), ("TIME_SLOT_REF2", end)]
        + [(k, v) for k, v in (extra or {}).items()]
    )
    return (
        f"<ANNOTATION><ALIGNABLE_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(value)}"
        "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
    )


def _ref(aid: str, ref: str, value: str, prev: str | None, extra: dict[str, str] | None) -> str:
    a = attrs(
        [("ANNOTATION_ID", aid), ("ANNOTATION_REF", ref), ("PREVIOUS_ANNOTATION", prev)]
        + [(k, v) for k, v in (extra or {}).items()]
    )
    return (
        f"<ANNOTATION><REF_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(value)}</ANNOTATION_VALUE>"
        "</REF_ANNOTATION></ANNOTATION>\n"
    )


class _Owner:
    """An annotation that others hang from: its id and its two time slots."""

    def __init__(self, aid: str, start: str, end: str) -> None:
        self.aid, self.start, self.end = aid, start, end


def dumps(text: Text, meta: dict[str, Any]) -> Iterator[str]:
    """The document ``meta`` describes, with the text's utterances in its mapped tiers."""
    constraints = _constraints(meta)
    tier_type = {
        str(t.get("TIER_ID")): str(t.get("LINGUISTIC_TYPE_REF", "")) for t in meta["tiers"]
    }

    def constraint(tier_id: str) -> str | None:
        return constraints.get(tier_type.get(tier_id, ""))

    state = _State(extra=dict(meta.get("ann_attrs", {})))
    for rows in meta.get("unmapped", {}).values():
        state.used_ids.update(str(r[0]) for r in rows)
    out: dict[str, list[str]] = {str(t.get("TIER_ID")): [] for t in meta["tiers"]}
    groups = [dict(g) for g in meta.get("groups", [])]
    by_tier = {str(g["utterance"]): g for g in groups}
    first = groups[0] if groups else None
    for utt in text.utterances:
        layout = utt.layout.get("elan") or {}
        group = by_tier.get(str(layout.get("tier", ""))) or first
        if group is None:
            continue
        _utterance(utt, group, constraint, state, out)
    for tier_id, rows in meta.get("unmapped", {}).items():
        for aid, value, start, end, ref, prev, extra in rows:
            if start is not None:
                out[tier_id].append(_alignable(aid, f"o:{start}", f"o:{end}", value, extra))
            else:
                out[tier_id].append(_ref(aid, ref or "", value, prev, extra))
    for sid, value, key in meta.get("slots", []):
        state.slots[f"o:{sid}"] = _Slot(value, float(key), 0)

    # Kept annotations keep their slot ids; new slots are numbered after the largest one.
    taken = {sid[2:] for sid in state.slots if sid.startswith("o:")}
    top = max((int(t[2:]) for t in taken if t.startswith("ts") and t[2:].isdigit()), default=0)
    names: dict[str, str] = {}
    for sid in sorted(state.slots, key=lambda s: (state.slots[s].key, state.slots[s].seq)):
        if sid.startswith("o:"):
            names[sid] = sid[2:]
        else:
            top += 1
            names[sid] = f"ts{top}"
    order = sorted(state.slots, key=lambda s: (state.slots[s].key, state.slots[s].seq))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    root = [(str(k), str(v)) for k, v in meta.get("root", [])]
    if any(k.startswith("xsi:") for k, _ in root):
        root.append(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
    yield f"<ANNOTATION_DOCUMENT{attrs(root)}>\n"
    for element in meta.get("lead", []):
        yield tree_xml(element) + "\n"
    if meta.get("header"):
        yield tree_xml(meta["header"]) + "\n"
    yield "<TIME_ORDER>\n"
    for sid in order:
        pairs = [("TIME_SLOT_ID", names[sid]), ("TIME_VALUE", state.slots[sid].value)]
        yield f"<TIME_SLOT{attrs(pairs)}/>\n"
    yield "</TIME_ORDER>\n"
    slot_ref = re.compile(r'TIME_SLOT_REF([12])="([^"]+)"')
    for tier in meta["tiers"]:
        tier_id = str(tier.get("TIER_ID"))
        yield f"<TIER{attrs([(str(k), str(v)) for k, v in tier.items()])}>\n"
        for ann in out.get(tier_id, []):
            yield slot_ref.sub(
                lambda m: f'TIME_SLOT_REF{m.group(1)}="{names[_unesc(m.group(2))]}"', ann
            )
        yield "</TIER>\n"
    for element in meta.get("tail", []):
        yield tree_xml(element) + "\n"
    yield "</ANNOTATION_DOCUMENT>\n"


def _unesc(value: str) -> str:
    return value.replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<")


def _constraints(meta: dict[str, Any]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for el in meta.get("tail", []):
        if el.get("tag") == "LINGUISTIC_TYPE":
            a = el.get("attrs", {})
            out[str(a.get("LINGUISTIC_TYPE_ID", ""))] = a.get("CONSTRAINTS")
    return out


def _utterance(
    utt: Utterance,
    group: dict[str, Any],
    constraint: Any,
    state: _State,
    out: dict[str, list[str]],
) -> None:
    span = utt.media
    start_v = span.start_ms if span else None
    end_v = span.end_ms if span else None
    base = float(start_v) if start_v is not None else float(state.n_slots)
    owner = _Owner(
        state.ann_id(utt.id),
        state.slot(start_v, base),
        state.slot(end_v, float(end_v) if end_v is not None else base + 0.5),
    )
    out[group["utterance"]].append(
        _alignable(owner.aid, owner.start, owner.end, utt.transcription, state.extra.get(owner.aid))
    )
    words_tier = group.get("words")
    word_owners: list[_Owner] = []
    if words_tier:
        word_owners = _children(
            [(w.form, w.guid, w.start, w.end) for w in utt.words],
            owner,
            words_tier,
            constraint(words_tier),
            state,
            out,
        )
    morph_owners: list[list[_Owner]] = []
    morphs_tier = group.get("morphemes")
    for word, w_owner in zip(utt.words, word_owners, strict=False):
        if morphs_tier:
            morph_owners.append(
                _children(
                    [
                        (_morph_value(word.morphemes, i), m.guid, m.start, m.end)
                        for i, m in enumerate(word.morphemes)
                    ],
                    w_owner,
                    morphs_tier,
                    constraint(morphs_tier),
                    state,
                    out,
                )
            )
    for role in ("gloss", "pos"):
        tier_id = group.get(role)
        if not tier_id:
            continue
        for wi, (word, w_owner) in enumerate(zip(utt.words, word_owners, strict=False)):
            owners = morph_owners[wi] if wi < len(morph_owners) else []
            if owners and word.morphemes:
                for m, m_owner in zip(word.morphemes, owners, strict=False):
                    values = _morph_role(m, role)
                    _dependents(values, m_owner, tier_id, constraint(tier_id), state, out)
            else:
                value = word.gloss if role == "gloss" else word.pos
                values = (
                    word.gloss_parts
                    if role == "gloss" and word.gloss_parts
                    else ([value] if value else [])
                )
                _dependents(values, w_owner, tier_id, constraint(tier_id), state, out)
    for lang, tier_id in dict(group.get("translations", {})).items():
        if lang in utt.translations:
            _dependents([utt.translations[lang]], owner, tier_id, constraint(tier_id), state, out)
    if group.get("notes"):
        _dependents(list(utt.notes), owner, group["notes"], constraint(group["notes"]), state, out)
    for name, tier_id in dict(group.get("tiers", {})).items():
        _custom(
            utt, name, owner, word_owners, morph_owners, tier_id, constraint(tier_id), state, out
        )


def _morph_value(morphs: list[Morpheme], i: int) -> str:
    m = morphs[i]
    return m.tiers.get("elan:value", m.boundary + m.form)


def _morph_role(m: Morpheme, role: str) -> list[str]:
    if role == "pos":
        return [m.pos] if m.pos else []
    parts = m.gloss_parts or ([m.gloss] if m.gloss else [])
    return [(m.boundary + p) if i == 0 and m.boundary else p for i, p in enumerate(parts)]


def _children(
    items: list[tuple[str, str | None, int | None, int | None]],
    owner: _Owner,
    tier_id: str,
    kind: str | None,
    state: _State,
    out: dict[str, list[str]],
) -> list[_Owner]:
    """Words under an utterance (or morphs under a word) on a tier of the given constraint."""
    owners: list[_Owner] = []
    if not items:
        return owners
    if kind in _ALIGNED:
        lo = state.slots[owner.start].key
        hi = state.slots[owner.end].key
        step = (hi - lo) / (len(items) + 1) if hi > lo else 0.001
        prev_end = owner.start
        for i, (value, guid, start, end) in enumerate(items):
            if kind == "Time_Subdivision":
                # Subdivisions share their boundaries; the first starts where the parent does.
                s_slot = prev_end
                e_slot = owner.end if i == len(items) - 1 else state.slot(end, lo + step * (i + 1))
                prev_end = e_slot
            else:
                s_slot = state.slot(start, lo + step * (i + 0.25))
                e_slot = state.slot(end, lo + step * (i + 0.75))
            aid = state.ann_id(guid)
            out[tier_id].append(_alignable(aid, s_slot, e_slot, value, state.extra.get(aid)))
            owners.append(_Owner(aid, s_slot, e_slot))
        return owners
    prev: str | None = None
    for value, guid, _, _ in items:
        aid = state.ann_id(guid)
        link = prev if kind != "Symbolic_Association" else None
        out[tier_id].append(_ref(aid, owner.aid, value, link, state.extra.get(aid)))
        owners.append(_Owner(aid, owner.start, owner.end))
        prev = aid
    return owners


def _dependents(
    values: list[str],
    owner: _Owner,
    tier_id: str,
    kind: str | None,
    state: _State,
    out: dict[str, list[str]],
) -> None:
    if not values:
        empty = state.extra.get(f"{tier_id}|{owner.aid}|empty")
        values = [""] * int(empty["n"]) if empty else []
    if kind in _ALIGNED:
        _children([(v, None, None, None) for v in values], owner, tier_id, kind, state, out)
        return
    prev: str | None = None
    for i, value in enumerate(values):
        aid = state.ann_id(None)
        extra = state.extra.get(f"{tier_id}|{owner.aid}|{i}")
        out[tier_id].append(
            _ref(aid, owner.aid, value, prev if kind == "Symbolic_Subdivision" else None, extra)
        )
        prev = aid


def _custom(
    utt: Utterance,
    name: str,
    owner: _Owner,
    word_owners: list[_Owner],
    morph_owners: list[list[_Owner]],
    tier_id: str,
    kind: str | None,
    state: _State,
    out: dict[str, list[str]],
) -> None:
    """A custom tier's values from the level that carries them."""
    for wi, word in enumerate(utt.words):
        for mi, m in enumerate(word.morphemes):
            if name in m.tiers and wi < len(morph_owners) and mi < len(morph_owners[wi]):
                _dependents([m.tiers[name]], morph_owners[wi][mi], tier_id, kind, state, out)
        if name in word.tiers and wi < len(word_owners):
            _dependents([word.tiers[name]], word_owners[wi], tier_id, kind, state, out)
    if name in utt.tiers:
        _dependents([utt.tiers[name]], owner, tier_id, kind, state, out)


def words_of(utt: Utterance) -> list[Word]:
    return utt.words
