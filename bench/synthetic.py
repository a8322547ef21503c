"""The synthetic interlinear corpus of the benches: a SIGMORPHON-style Toolbox file of ``n``
utterances of 5 words, each word a stem and a suffix (10 morphemes an utterance), stems and
glosses drawn Zipf-like from a 2 000-entry lexicon, suffixes from Leipzig grams, POS on every
morpheme, a short translation naming the first two stems. Pure functions, no Django."""

from __future__ import annotations

import random

WORDS = 5
GRAMS = ("PL", "ERG", "GEN", "DAT", "LOC", "PST", "AOR", "FUT", "NEG", "CAUS", "PTCP", "INF")
POS = ("N", "V", "ADJ", "ADV", "PRO")
SYLLABLES = ("ka", "li", "mu", "ne", "ra", "si", "tu", "wa", "bo", "de", "ga", "hi", "ju", "xe")
MEANINGS = (
    "house",
    "bread",
    "water",
    "fire",
    "stone",
    "tree",
    "river",
    "mountain",
    "dog",
    "horse",
    "child",
    "mother",
    "father",
    "word",
    "road",
    "see",
    "go",
    "come",
    "eat",
    "give",
    "take",
    "say",
    "know",
    "burn",
    "fill",
    "sleep",
    "hear",
    "make",
    "sit",
    "stand",
    "fall",
    "big",
    "small",
    "red",
    "old",
    "new",
    "good",
    "bad",
    "here",
    "there",
    "now",
    "then",
    "again",
)


def lexicon(rng: random.Random, size: int = 2000) -> list[tuple[str, str, str]]:
    entries = []
    for i in range(size):
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        meaning = MEANINGS[i % len(MEANINGS)] + ("" if i < len(MEANINGS) else f"_{i}")
        entries.append((stem, meaning, POS[i % len(POS)]))
    return entries


def toolbox_text(n: int, seed: int = 7) -> bytes:
    """A SIGMORPHON-style Toolbox file of ``n`` utterances (10 morphemes each)."""
    rng = random.Random(seed)
    lex = lexicon(rng)
    weights = [1 / (rank + 1) for rank in range(len(lex))]
    suffixes = [(g.lower()[:2], g) for g in GRAMS]
    out: list[str] = []
    for _ in range(n):
        t, m, g, p = [], [], [], []
        for stem, meaning, pos in rng.choices(lex, weights, k=WORDS):
            sform, sgloss = rng.choice(suffixes)
            t.append(stem + sform)
            m.append(f"{stem}-{sform}")
            g.append(f"{meaning}-{sgloss}")
            p.append(f"{pos}-{pos}SUF")
        out.append(
            f"\\t {' '.join(t)}\n\\m {' '.join(m)}\n\\p {' '.join(p)}\n\\g {' '.join(g)}\n"
            f"\\l the {g[0].split('-')[0]} and the {g[1].split('-')[0]}\n\n"
        )
    return "".join(out).encode()
