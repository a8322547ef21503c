"""Scores as the SIGMORPHON 2023 glossing task computes them, plus per-label detail.

Word accuracy: a word is right when its whole label string (morph labels joined with their
separators) equals the gold string; micro-averaged over all words. Morpheme accuracy: the label
strings split at ``-``/``=``, compared position by position inside each word, over gold morphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from mlworkers.core.data import Morph, Utterance, Word, join_pieces, split_segmented, word_gloss
from mlworkers.core.types import Model, WordPrediction

# A gram is an all-caps Leipzig label: PL, ERG, 3SG, A1S, PST.PTCP, 1PL.EXCL; a stem is the rest.
GRAM = re.compile(r"^(?=.*[A-Z])[0-9A-Z]+(?:[.:][0-9A-Z]+)*$")
CONFUSION_SIZE = 10


def is_gram(label: str) -> bool:
    return bool(GRAM.match(label))


def blank(utterances: Sequence[Utterance], task: str) -> list[Utterance]:
    """What a model is given: forms (and segmentation unless that is the task), no labels."""
    out = []
    for u in utterances:
        words = []
        for w in u.words:
            if task == "segment":
                words.append(Word(w.form))
            else:
                words.append(
                    Word(w.form, tuple(Morph(m.form, boundary=m.boundary) for m in w.morphemes))
                )
        out.append(Utterance(u.id, tuple(words), u.translation, u.version))
    return out


def gold_string(word: Word, task: str) -> str:
    if task == "pos":
        if word.pos:
            return word.pos
        return join_pieces((m.boundary for m in word.morphemes), (m.pos for m in word.morphemes))
    return word_gloss(word)


def predicted_string(word: Word, pred: WordPrediction) -> str:
    if pred["morphemes"]:
        boundaries = [m.boundary for m in word.morphemes] or [""] * len(pred["morphemes"])
        tops = [m["labels"][0]["label"] if m["labels"] else "" for m in pred["morphemes"]]
        if len(boundaries) < len(tops):
            boundaries += ["-"] * (len(tops) - len(boundaries))
        return join_pieces(boundaries, tops)
    if pred["labels"]:
        return pred["labels"][0]["label"]
    if pred["segmentations"]:
        seg = pred["segmentations"][0]
        return join_pieces(seg["boundaries"], seg["glosses"])
    return ""


def _pieces(label: str) -> list[str]:
    return [p for _, p in split_segmented(label)] if label else [""]


def score_strings(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Metrics over (gold, predicted) word label strings."""
    words_right = 0
    morphs = 0
    morphs_right = 0
    gold_count: Counter[str] = Counter()
    pred_count: Counter[str] = Counter()
    right_count: Counter[str] = Counter()
    kind_total = {"stems": 0, "grams": 0}
    kind_right = {"stems": 0, "grams": 0}
    confusion_pairs: Counter[tuple[str, str]] = Counter()
    for gold, pred in pairs:
        if gold == pred:
            words_right += 1
        g_pieces, p_pieces = _pieces(gold), _pieces(pred)
        for i, g in enumerate(g_pieces):
            p = p_pieces[i] if i < len(p_pieces) else ""
            morphs += 1
            gold_count[g] += 1
            kind = "grams" if is_gram(g) else "stems"
            kind_total[kind] += 1
            confusion_pairs[(g, p)] += 1
            if g == p:
                morphs_right += 1
                right_count[g] += 1
                kind_right[kind] += 1
        for p in p_pieces[: len(g_pieces)]:
            pred_count[p] += 1
    per_label: dict[str, dict[str, float]] = {}
    for label in sorted(gold_count):
        precision = right_count[label] / pred_count[label] if pred_count[label] else 0.0
        recall = right_count[label] / gold_count[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": gold_count[label],
        }
    grams = [
        g
        for g, _ in Counter({g: n for g, n in gold_count.items() if is_gram(g)}).most_common(
            CONFUSION_SIZE
        )
    ]
    index = {g: i for i, g in enumerate(grams)}
    matrix = [[0] * (len(grams) + 1) for _ in grams]  # last column: any other prediction
    for (g, p), n in confusion_pairs.items():
        if g in index:
            matrix[index[g]][index.get(p, len(grams))] += n
    return {
        "word_accuracy": words_right / len(pairs) if pairs else 0.0,
        "morpheme_accuracy": morphs_right / morphs if morphs else 0.0,
        "macro_f1": sum(v["f1"] for v in per_label.values()) / len(per_label) if per_label else 0.0,
        "per_label": per_label,
        "stems": {
            "accuracy": kind_right["stems"] / kind_total["stems"] if kind_total["stems"] else 0.0,
            "count": kind_total["stems"],
        },
        "grams": {
            "accuracy": kind_right["grams"] / kind_total["grams"] if kind_total["grams"] else 0.0,
            "count": kind_total["grams"],
        },
        "confusion": {"labels": [*grams, "(other)"], "matrix": matrix},
        "count": {"words": len(pairs), "morphemes": morphs},
    }


def evaluate(model: Model, gold: Sequence[Utterance]) -> dict[str, Any]:
    """Score ``model`` on ``gold`` (given forms only); JSON-able."""
    predictions = model.predict(blank(gold, model.task), top_k=1)
    pairs: list[tuple[str, str]] = []
    seg_total = seg_right = 0
    for utterance, prediction in zip(gold, predictions, strict=True):
        for word, pred in zip(utterance.words, prediction["words"], strict=True):
            pairs.append((gold_string(word, model.task), predicted_string(word, pred)))
            if model.task == "segment" and word.morphemes and pred["segmentations"]:
                seg = pred["segmentations"][0]
                seg_total += 1
                gold_seg = [m.form for m in word.morphemes]
                seg_right += int(seg["morphemes"] == gold_seg)
    result = score_strings(pairs)
    if model.task == "segment":
        result["segmentation_accuracy"] = seg_right / seg_total if seg_total else 0.0
    return result
