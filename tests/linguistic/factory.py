"""Generated corpora for round-trip tests: deterministic, sized by argument, with every field a
format can carry (options switch off what a format cannot represent)."""

from __future__ import annotations

import random
from pathlib import Path

from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word

DATA = Path(__file__).parent / "data"

_SYLLABLES = ["ka", "ni", "mbo", "ta", "ri", "\u0294a", "ŋu", "sé", "lo", "wi", "çe", "dʒa"]
_GLOSSES = ["see", "dog", "go", "house", "eat", "water", "big", "run", "say", "child"]
_GRAMS = ["PST", "1SG", "3PL", "ERG", "DAT", "NEG", "PL", "FUT", "Q", "DEF"]
_TYPES = ["stem", "suffix", "prefix", "enclitic", "root"]


def corpus(
    n_texts: int = 2,
    n_utts: int = 20,
    *,
    seed: int = 7,
    rich: bool = True,
    morph_types: bool = True,
    lemmas: bool = True,
    media: bool = True,
    translations: tuple[str, ...] = ("en", "es"),
) -> list[Text]:
    """A corpus of fully segmented and glossed texts (every word has morphemes)."""
    rng = random.Random(seed)
    texts = []
    for t in range(n_texts):
        text = Text(id=f"text{t + 1}", language="qaa")
        for o in range(n_utts):
            words = []
            for _ in range(rng.randint(1, 6)):
                morphs = []
                for mi in range(rng.randint(1, 4)):
                    form = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 2)))
                    morph = Morpheme(
                        form=form,
                        gloss=rng.choice(_GLOSSES if mi == 0 else _GRAMS),
                        pos=rng.choice(["n", "v", "adj"]) if rich else "",
                        boundary="" if mi == 0 else rng.choice("-="),
                    )
                    if morph_types:
                        morph.morph_type = "stem" if mi == 0 else rng.choice(_TYPES[1:])
                    if lemmas and rng.random() < 0.3:
                        morph.lemma = f"entry-{rng.randint(1, 50)}"
                    morphs.append(morph)
                words.append(
                    Word(
                        form="".join(m.boundary + m.form for m in morphs)
                        .replace("-", "")
                        .replace("=", ""),
                        morphemes=morphs,
                    )
                )
            utt = Utterance(
                id=str(o + 1),
                order=o,
                transcription=" ".join(w.form for w in words),
                words=words,
                translations={lang: f"sentence {o} in {lang}" for lang in translations},
            )
            if media:
                utt.media = MediaSpan(o * 1000, o * 1000 + 900, "rec.wav")
            text.utterances.append(utt)
        texts.append(text)
    return texts


def content(texts: list[Text]) -> list[Text]:
    """The texts without the bookkeeping a reader adds for its own writer (``metadata["flex"]``,
    ``metadata["toolbox"]``, utterance ``layout``), for comparing a re-import with a corpus
    made in memory."""
    for text in texts:
        for key in ("flex", "toolbox"):
            text.metadata.pop(key, None)
        for utt in text.utterances:
            utt.layout.clear()
    return texts
