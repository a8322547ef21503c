"""Glosses for unknown stems from the free translation.

A stem never seen in training is usually glossed by a word of the translation (``busca`` ->
``buscar``, ``wood-working shops`` -> ``wood.shops``). Training learns how often each translation
word turns out to be a stem gloss (``the``, ``de``, ``que`` rarely are; a rare content word
usually is), and the attested stem glosses, so that a translation word close to one (same first
four letters) proposes that gloss. At prediction time the translation words not already
accounting for a known stem's gloss are proposed, best first, to the unknown stems in order.
"""

from __future__ import annotations

import math
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
AGREE_SMOOTH = 5.0  # pseudo-counts pulling a neighbour's ending table toward the overall one
AGREE_MIN = 3  # a neighbour needs this many stem glosses found in the translation to get a table
AGREE_CLIP = 3.0


def tokens(translation: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(translation)]


def ending(token: str) -> str:
    """The part of a translation word that carries its inflection: ``-ed``, ``-s``, ``-ar``."""
    return token[-2:] if len(token) > 3 else "<short>"


def neighbours(morphs: Sequence[str], index: int) -> tuple[str, str]:
    """The morphs around a stem inside its word, as the agreement tables key them."""
    before = morphs[index - 1].lower() if index > 0 else "^"
    after = morphs[index + 1].lower() if index + 1 < len(morphs) else "$"
    return f"<{before}", f">{after}"


class Agreement:
    """How a stem's affixes predict the ending of the translation word that glosses it.

    A Lezgi stem before ``-ар`` (PL) is glossed by an English word in ``-s``, one before ``-на``
    (AOR) by one in ``-ed``; an Uspanteko stem after ``x-`` (COM) by a Spanish verb. For each
    neighbouring morph (the one before the stem and the one after, inside its word) training
    counts the endings of the translation words that gloss the stem against the endings of all
    the words of its translation; the score of a pair is the log of their ratio, smoothed toward
    the ratio over all stems.
    """

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, float]] = {}
        self.overall: dict[str, float] = {}

    def fit(self, rows: Iterable[tuple[tuple[str, ...], list[str], list[bool]]]) -> None:
        """``rows``: (the stem's neighbour keys, the translation's endings, which gloss it)."""
        hit: dict[str, Counter[str]] = {}
        every: dict[str, Counter[str]] = {}
        hit_all: Counter[str] = Counter()
        every_all: Counter[str] = Counter()
        for keys, endings, right in rows:
            found = [e for e, r in zip(endings, right, strict=True) if r]
            hit_all.update(found)
            every_all.update(endings)
            for key in keys:
                hit.setdefault(key, Counter()).update(found)
                every.setdefault(key, Counter()).update(endings)
        n_endings = len(every_all) + 1
        hit_total, every_total = sum(hit_all.values()), sum(every_all.values())

        def p_hit(e: str) -> float:
            return (hit_all[e] + 1.0) / (hit_total + n_endings)

        def p_every(e: str) -> float:
            return (every_all[e] + 1.0) / (every_total + n_endings)

        self.overall = {e: _clip(math.log(p_hit(e) / p_every(e))) for e in every_all}
        self.tables = {}
        for key, hits in hit.items():
            found_total = sum(hits.values())
            if found_total < AGREE_MIN:
                continue
            seen = every[key]
            seen_total = sum(seen.values())
            table: dict[str, float] = {}
            for e in seen:
                ph = (hits[e] + AGREE_SMOOTH * p_hit(e)) / (found_total + AGREE_SMOOTH)
                pe = (seen[e] + AGREE_SMOOTH * p_every(e)) / (seen_total + AGREE_SMOOTH)
                value = _clip(math.log(ph / pe))
                if abs(value - self.overall.get(e, 0.0)) > 0.05:
                    table[e] = round(value, 3)
            self.tables[key] = table

    def score(self, keys: Sequence[str], token: str) -> list[float]:
        """One value per key (before, after), in -1..1: does the word's ending fit the stem?"""
        e = ending(token)
        base = self.overall.get(e, 0.0)
        out = []
        for key in keys:
            table = self.tables.get(key)
            out.append((table.get(e, base) if table is not None else base) / AGREE_CLIP)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"tables": self.tables, "overall": self.overall}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Agreement:
        a = cls()
        a.tables = {
            str(k): {str(e): float(v) for e, v in t.items()} for k, t in data["tables"].items()
        }
        a.overall = {str(e): float(v) for e, v in data["overall"].items()}
        return a


def _clip(value: float) -> float:
    return max(-AGREE_CLIP, min(AGREE_CLIP, value))


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
        self.agreement = Agreement()

    def fit(self, utterances: Iterable[Utterance], is_gram: Any) -> None:
        pair: Counter[tuple[str, str]] = Counter()
        label_count: Counter[str] = Counter()
        agree_rows: list[tuple[tuple[str, ...], list[str], list[bool]]] = []
        for u in utterances:
            glosses = _stem_glosses(u, is_gram)
            labels = {m.gloss.lower() for w in u.words for m in w.morphemes if m.gloss}
            toks = tokens(u.translation)
            words = set(toks)
            endings = [ending(t) for t in toks]
            for w in u.words:
                forms = [m.form for m in w.morphemes]
                for i, m in enumerate(w.morphemes):
                    if m.gloss and not is_gram(m.gloss):
                        g = m.gloss.lower()
                        right = [matches(t, g) for t in toks]
                        if any(right):
                            agree_rows.append((neighbours(forms, i), endings, right))
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
        self.agreement.fit(agree_rows)

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
            "agreement": self.agreement.to_json(),
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
        if "agreement" in data:
            p.agreement = Agreement.from_json(data["agreement"])
        return p
