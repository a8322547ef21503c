"""Which tier plays which role (``TierMapping``), and the same roles on further speakers' tiers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotations.linguistic.formats.eaf.document import Document, Tier


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


def parallel_mappings(doc: Document, mapping: TierMapping) -> list[TierMapping]:
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


def _same_roles(doc: Document, mapping: TierMapping, main: Tier, other: Tier) -> TierMapping | None:
    def path_of(tier_id: str) -> list[Tier]:
        path: list[Tier] = []
        cur: Tier | None = doc.tiers.get(tier_id)
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


def mapping_doc(m: TierMapping) -> dict[str, Any]:
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
