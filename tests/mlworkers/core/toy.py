"""A small made-up glossed corpus: stems, suffixes, an ambiguous suffix and translations.

``-ta`` is PL after a noun and PST after a verb; ``na`` is a noun ("house") in one context and a
verb ("go") before ``-ta`` in another, so that context matters. Deterministic.
"""

from __future__ import annotations

import random

from mlworkers.core.data import Morph, Utterance, Word

NOUNS = {"kat": "cat", "dor": "dog", "lum": "tree", "mer": "sea", "pol": "stone"}
VERBS = {"sim": "see", "rak": "eat", "vel": "run", "tor": "take"}
DET = {"le": "the"}


def noun(stem: str, plural: bool) -> Word:
    morphs = [Morph(stem, NOUNS[stem], "N")]
    if plural:
        morphs.append(Morph("ta", "PL", "NUM", "-"))
    return Word(stem + ("ta" if plural else ""), tuple(morphs))


def verb(stem: str, past: bool) -> Word:
    morphs = [Morph(stem, VERBS[stem], "V")]
    morphs.append(Morph("ta" if past else "ri", "PST" if past else "PRS", "T", "-"))
    return Word(stem + morphs[-1].form, tuple(morphs))


def sentence(rng: random.Random, n: int) -> Utterance:
    subj, obj = rng.sample(sorted(NOUNS), 2)
    v = rng.choice(sorted(VERBS))
    sp, op, past = rng.random() < 0.4, rng.random() < 0.5, rng.random() < 0.5
    words = (
        Word("le", (Morph("le", "DEF", "DET"),)),
        noun(subj, sp),
        verb(v, past),
        noun(obj, op),
        Word(".", (Morph(".", ".", "PUNCT"),)),
    )
    english = (
        f"the {NOUNS[subj]}{'s' if sp else ''} {VERBS[v]}{'ed' if past else 's'} "
        f"{NOUNS[obj]}{'s' if op else ''}"
    )
    return Utterance(f"toy:{n}", words, english, 1)


def corpus(size: int, seed: int = 7) -> list[Utterance]:
    rng = random.Random(seed)
    return [sentence(rng, n) for n in range(size)]
