"""Glosses for unknown stems from the free translation.

A stem never seen in training is usually glossed by a word of the translation (``busca`` ->
``buscar``, ``wood-working shops`` -> ``wood.shops``). Training learns how often each translation
word turns out to be a stem gloss (``the``, ``de``, ``que`` rarely are; a rare content word
usually is), and the attested stem glosses, so that a translation word close to one (same first
four letters) proposes that gloss. At prediction time the translation words not already
accounting for a known stem's gloss are proposed, best first, to the unknown stems in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mlworkers.core.data import Utterance

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
PRIOR_HITS = 1.0
PRIOR_SEEN = 2.0
PREFIX = 4


def tokens(translation: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(translation)]


def _stem_glosses(u: Utterance, is_gram: Any) -> list[str]:
    out = []
    for w in u.words:
        for m in w.morphemes:
            if m.gloss and not is_gram(m.gloss):
                out.append(m.gloss.lower())
    return out


def matches(token: str, gloss: str) -> bool:
    """A translation word accounts for a gloss: equal, a dotted part, or the same first letters."""
    if token == gloss:
        return True
    parts = re.split(r"[.\-_]", gloss)
    if token in parts:
        return True
    return len(token) >= PREFIX and any(
        len(p) >= PREFIX and p[:PREFIX] == token[:PREFIX] for p in parts
    )


class TranslationProposer:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()
        self.by_prefix: dict[str, Counter[str]] = {}

    def fit(self, utterances: Iterable[Utterance], is_gram: Any) -> None:
        for u in utterances:
            glosses = _stem_glosses(u, is_gram)
            for g in glosses:
                if len(g) >= PREFIX and g.isalpha():
                    self.by_prefix.setdefault(g[:PREFIX], Counter())[g] += 1
            for t in set(tokens(u.translation)):
                self.seen[t] += 1
                if any(matches(t, g) for g in glosses):
                    self.hits[t] += 1

    def rate(self, token: str) -> float:
        return (self.hits[token] + PRIOR_HITS) / (self.seen[token] + PRIOR_SEEN)

    def gloss_for(self, token: str) -> str:
        """The attested gloss a translation word stands for, or the word itself."""
        if token in self.by_prefix.get(token[:PREFIX], {}):
            return token
        attested = self.by_prefix.get(token[:PREFIX])
        if attested and len(token) >= PREFIX:
            return attested.most_common(1)[0][0]
        return token

    def propose(self, translation: str, known_glosses: Sequence[str]) -> list[tuple[str, float]]:
        """Ranked (gloss, score) from the translation words no known gloss accounts for."""
        known = [g.lower() for g in known_glosses if g]
        ranked: dict[str, float] = {}
        for t in tokens(translation):
            if any(matches(t, g) for g in known):
                continue
            score = self.rate(t)
            gloss = self.gloss_for(t)
            if score > ranked.get(gloss, -1.0):
                ranked[gloss] = score
        return sorted(ranked.items(), key=lambda kv: -kv[1])

    def propose_placed(
        self, translation: str, known_glosses: Sequence[str]
    ) -> list[tuple[str, float, float]]:
        """(gloss, score, relative position 0..1 in the translation) of each unaccounted word."""
        known = [g.lower() for g in known_glosses if g]
        words = tokens(translation)
        n = max(1, len(words) - 1)
        out: list[tuple[str, float, float]] = []
        seen: set[str] = set()
        for i, t in enumerate(words):
            if any(matches(t, g) for g in known):
                continue
            gloss = self.gloss_for(t)
            if gloss in seen:
                continue
            seen.add(gloss)
            out.append((gloss, self.rate(t), i / n))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": dict(self.seen),
            "hits": dict(self.hits),
            "by_prefix": {k: dict(v) for k, v in self.by_prefix.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TranslationProposer:
        p = cls()
        p.seen = Counter({str(k): int(v) for k, v in data["seen"].items()})
        p.hits = Counter({str(k): int(v) for k, v in data["hits"].items()})
        p.by_prefix = {
            str(k): Counter({str(g): int(n) for g, n in v.items()})
            for k, v in data["by_prefix"].items()
        }
        return p
