"""Features of a morph in context, shared by the CRF and the scikit-learn models.

A morph is described by its form, affixes of it, its word, its neighbours inside the word and
across word boundaries, its position and the separator before it, and the glosses the training
memory attests for its form (the CRF weighs those against the context, so it can learn when the
memory's first choice is wrong).
"""

from __future__ import annotations

from collections.abc import Sequence

from mlworkers.core.data import Utterance, Word, segmentation
from mlworkers.core.memory import GlossMemory, norm

Features = dict[str, float | str]
MAX_ATTESTED = 3


def _shape(form: str) -> str:
    if not form:
        return "empty"
    if not any(ch.isalnum() for ch in form):
        return "punct"
    if form.isdigit():
        return "digit"
    if form[0].isupper():
        return "upper"
    return "lower"


def word_units(word: Word) -> list[tuple[str, str]]:
    """(boundary, form) of each unit labelled: the morphs, or the word itself when unsegmented."""
    if word.morphemes:
        return [(m.boundary, m.form) for m in word.morphemes]
    return [("", word.form)]


def utterance_features(
    utterance: Utterance, memory: GlossMemory, lowercase: bool
) -> list[Features]:
    """One feature dict per unit of the utterance, in order (the CRF's sequence)."""
    units: list[tuple[int, int, str, str, Word]] = []
    for wi, w in enumerate(utterance.words):
        for mi, (boundary, form) in enumerate(word_units(w)):
            units.append((wi, mi, boundary, form, w))
    out: list[Features] = []
    for k, (wi, mi, boundary, form, w) in enumerate(units):
        f = norm(form, lowercase)
        n_in_word = len(word_units(w))
        seg = norm(segmentation(w), lowercase) if w.morphemes else norm(w.form, lowercase)
        feats: Features = {
            "bias": 1.0,
            "m": f,
            "shape": _shape(form),
            "len": str(min(len(form), 8)),
            "b": boundary or "^",
            "pos": str(min(mi, 4)),
            "rpos": str(min(n_in_word - 1 - mi, 4)),
            "n": str(min(n_in_word, 5)),
            "w": seg,
            "p1": f[:1],
            "p2": f[:2],
            "p3": f[:3],
            "s1": f[-1:],
            "s2": f[-2:],
            "s3": f[-3:],
        }
        prev_in = norm(units[k - 1][3], lowercase) if k > 0 and units[k - 1][0] == wi else "^"
        next_in = (
            norm(units[k + 1][3], lowercase)
            if k + 1 < len(units) and units[k + 1][0] == wi
            else "$"
        )
        feats["m|prev"] = f"{f}|{prev_in}"
        feats["m|next"] = f"{f}|{next_in}"
        feats["m|rpos"] = f"{f}|{feats['rpos']}|{feats['pos']}"
        attested = memory.morph.ranked(f, MAX_ATTESTED)
        if not attested:
            feats["unk"] = 1.0
        for rank, item in enumerate(attested):
            feats[f"g{rank}"] = item["label"]
            feats[f"g{rank}p"] = item["p"]
        # Whole-word memory: the gloss piece this position takes in the word's best analysis.
        if w.morphemes:
            whole = memory.morph_labels(w, 1) if seg in memory.segmented else None
            if whole is not None:
                feats["wg"] = whole[mi][0]["label"]
        for d in (-2, -1, 1, 2):
            j = k + d
            if 0 <= j < len(units):
                other = units[j]
                same = "s" if other[0] == wi else "o"
                feats[f"m{d}"] = norm(other[3], lowercase)
                feats[f"m{d}{same}"] = norm(other[3], lowercase)
                if abs(d) == 1:
                    best = memory.morph.best(norm(other[3], lowercase))
                    if best is not None:
                        feats[f"g{d}"] = best
            else:
                feats[f"m{d}"] = "<edge>"
        out.append(feats)
    return out


def corpus_features(
    utterances: Sequence[Utterance], memory: GlossMemory, lowercase: bool
) -> list[list[Features]]:
    return [utterance_features(u, memory, lowercase) for u in utterances]
