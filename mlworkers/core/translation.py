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

from mlworkers.core.alignment import Candidate, PairScorer
from mlworkers.core.data import Utterance

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
PRIOR_HITS = 1.0
PRIOR_SEEN = 2.0
PREFIX = 4
DICE_MIN = 0.3
DICE_MIN_COUNT = 3


def tokens(translation: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(translation)]


def _stem_glosses(u: Utterance, is_gram: Any) -> list[str]:
    out = []
    for w in u.words:
        for m in w.morphemes:
            if m.gloss and not is_gram(m.gloss):
                out.append(m.gloss.lower())
    return out


class Lookup:
    """A set of words and of their first letters, to test ``matches`` against many at once."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        for w in words:
            for part in _parts(w):
                self.words.add(part)
                if len(part) >= PREFIX:
                    self.prefixes.add(part[:PREFIX])

    def token(self, token: str) -> bool:
        """Some word of the set accounts for this translation token."""
        return token in self.words or (len(token) >= PREFIX and token[:PREFIX] in self.prefixes)

    def gloss(self, gloss: str) -> bool:
        """Some translation token of the set accounts for this gloss."""
        for part in _parts(gloss):
            if part in self.words or (len(part) >= PREFIX and part[:PREFIX] in self.prefixes):
                return True
        return False


_PARTS: dict[str, tuple[str, ...]] = {}


def _parts(gloss: str) -> tuple[str, ...]:
    parts = _PARTS.get(gloss)
    if parts is None:
        parts = tuple({gloss, *re.split(r"[.\-_]", gloss)} - {""})
        if len(_PARTS) < 200_000:
            _PARTS[gloss] = parts
    return parts


def exact_match(gloss: str, words: set[str]) -> bool:
    """The gloss, or one of its dotted, ``@``-joined or ``/``-separated parts, is a word of the
    translation exactly (``copa`` but not ``copal`` beside "una copa")."""
    if gloss in words:
        return True
    return any(part in words for part in re.split(r"[.\-_@/]", gloss) if len(part) > 1)


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
        self.scorer = PairScorer()
        self.explains: dict[str, list[str]] = {}

    def fit(self, utterances: Iterable[Utterance], is_gram: Any) -> None:
        pair: Counter[tuple[str, str]] = Counter()
        label_count: Counter[str] = Counter()
        for u in utterances:
            glosses = _stem_glosses(u, is_gram)
            labels = {m.gloss.lower() for w in u.words for m in w.morphemes if m.gloss}
            words = set(tokens(u.translation))
            label_count.update(labels)
            pair.update((g, t) for g in labels for t in words)
            for g in glosses:
                if len(g) >= PREFIX and g.isalpha():
                    self.by_prefix.setdefault(g[:PREFIX], Counter())[g] += 1
            for t in set(tokens(u.translation)):
                self.seen[t] += 1
                if any(matches(t, g) for g in glosses):
                    self.hits[t] += 1
        # A known morph accounts for the words it keeps company with, not only for its gloss
        # spelled out: ``be`` for "been", ``GEN`` for "of" (Dice over the training sentences).
        explains: dict[str, list[str]] = {}
        for (g, t), n in pair.items():
            if n >= DICE_MIN_COUNT and 2 * n / (label_count[g] + self.seen[t]) >= DICE_MIN:
                explains.setdefault(g, []).append(t)
        self.explains = {g: sorted(ts) for g, ts in explains.items()}

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
        known = Lookup(g.lower() for g in known_glosses if g)
        words = tokens(translation)
        n = max(1, len(words) - 1)
        out: list[tuple[str, float, float]] = []
        seen: set[str] = set()
        for i, t in enumerate(words):
            if known.token(t):
                continue
            gloss = self.gloss_for(t)
            if gloss in seen:
                continue
            seen.add(gloss)
            out.append((gloss, self.rate(t), i / n))
        return out

    def candidates(self, translation: str, known_glosses: Sequence[str]) -> list[Candidate]:
        """The translation words no known gloss accounts for, one per proposed gloss."""
        lowered = [g.lower() for g in known_glosses if g]
        known = Lookup(lowered)
        explained = {t for g in lowered for t in self.explains.get(g, ())}
        words = tokens(translation)
        n = max(1, len(words) - 1)
        out: list[Candidate] = []
        seen: set[str] = set()
        for i, t in enumerate(words):
            if known.token(t) or t in explained:
                continue
            gloss = self.gloss_for(t)
            if gloss in seen:
                continue
            seen.add(gloss)
            attested = t in self.by_prefix.get(t[:PREFIX], {})
            out.append(Candidate(gloss, t, self.rate(t), self.seen[t], i / n, attested))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": dict(self.seen),
            "hits": dict(self.hits),
            "by_prefix": {k: dict(v) for k, v in self.by_prefix.items()},
            "scorer": self.scorer.to_json(),
            "explains": self.explains,
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
        if "scorer" in data:
            p.scorer = PairScorer.from_json(data["scorer"])
        p.explains = {str(g): [str(t) for t in ts] for g, ts in data.get("explains", {}).items()}
        return p
