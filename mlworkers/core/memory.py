"""The memory models: the most frequent label attested for a form, as the issue defines the floor.

gloss: the most frequent gloss of the word form seen in training, else of each morpheme, else the
form copied. pos: the same over POS tags. segment: the attested analyses of a word form, ranked by
how often they were written, else the word as one morph glossed from memory or copied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlworkers.core import artifacts
from mlworkers.core.counts import Memory
from mlworkers.core.data import (
    Utterance,
    Word,
    join_pieces,
    segmentation,
    split_segmented,
    word_gloss,
)
from mlworkers.core.types import (
    Label,
    MorphPrediction,
    Reporter,
    Segmentation,
    UtterancePrediction,
    WordPrediction,
    confidence,
)

COPY_P = 0.0  # a copied form is a guess, not an attested gloss: it never looks confident


def norm(form: str, lowercase: bool) -> str:
    return form.lower() if lowercase else form


def copy_label(form: str) -> list[Label]:
    return [{"label": form, "p": COPY_P}]


class GlossMemory:
    """Word memory over whole gloss strings, morpheme memory over morph glosses."""

    def __init__(self, lowercase: bool = True, field: str = "gloss") -> None:
        self.lowercase = lowercase
        self.field = field
        self.surface = Memory()  # word form as written -> whole label string
        self.segmented = Memory()  # segmentation string -> whole label string
        self.morph = Memory()  # morph form -> morph label

    def _word_label(self, word: Word) -> str:
        if self.field == "gloss":
            return word_gloss(word)
        if word.pos:
            return word.pos
        return join_pieces((m.boundary for m in word.morphemes), (m.pos for m in word.morphemes))

    def _morph_label(self, word: Word, i: int) -> str:
        m = word.morphemes[i]
        return m.gloss if self.field == "gloss" else m.pos

    def fit(self, utterances: Sequence[Utterance], reporter: Reporter | None = None) -> None:
        for n, u in enumerate(utterances):
            if reporter is not None and n % 500 == 0:
                reporter.step(n / max(1, len(utterances)), "counting attested labels", step=n)
            for w in u.words:
                label = self._word_label(w)
                if label:
                    self.surface.add(norm(w.form, self.lowercase), label)
                if w.morphemes:
                    if label:
                        self.segmented.add(norm(segmentation(w), self.lowercase), label)
                    for i, m in enumerate(w.morphemes):
                        ml = self._morph_label(w, i)
                        if ml:
                            self.morph.add(norm(m.form, self.lowercase), ml)

    def morph_labels(self, word: Word, top_k: int) -> list[list[Label]]:
        """Per-morph ranked labels for a segmented word."""
        key = norm(segmentation(word), self.lowercase)
        n = len(word.morphemes)
        if key in self.segmented:
            ranked = self.segmented.ranked(key, top_k * 3)
            split = [(r, [p for _, p in split_segmented(r["label"])]) for r in ranked]
            fitting = [(r, pieces) for r, pieces in split if len(pieces) == n]
            if fitting:
                result: list[list[Label]] = []
                for i in range(n):
                    scores: dict[str, float] = {}
                    for r, pieces in fitting:
                        scores[pieces[i]] = scores.get(pieces[i], 0.0) + r["p"]
                    total = sum(scores.values()) or 1.0
                    # The best whole string leads at every position (the floor's answer).
                    first = fitting[0][1][i]
                    ordered = sorted(scores.items(), key=lambda kv: (kv[0] != first, -kv[1]))
                    ordered = ordered[:top_k]
                    result.append([{"label": k, "p": v / total} for k, v in ordered])
                return result
        return [self.one_morph(m.form, top_k) for m in word.morphemes]

    def one_morph(self, form: str, top_k: int) -> list[Label]:
        return self.morph.ranked(norm(form, self.lowercase), top_k) or copy_label(form)

    def word_labels(self, word: Word, top_k: int) -> list[Label]:
        """Whole-string labels for an unsegmented word."""
        key = norm(word.form, self.lowercase)
        return self.surface.ranked(key, top_k) or self.one_morph(word.form, top_k)

    def to_json(self) -> dict[str, Any]:
        return {
            "lowercase": self.lowercase,
            "field": self.field,
            "surface": self.surface.to_json(),
            "segmented": self.segmented.to_json(),
            "morph": self.morph.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GlossMemory:
        memory = cls(lowercase=bool(data["lowercase"]), field=str(data["field"]))
        memory.surface = Memory.from_json(data["surface"])
        memory.segmented = Memory.from_json(data["segmented"])
        memory.morph = Memory.from_json(data["morph"])
        return memory


def predict_with_memory(
    memory: GlossMemory, utterances: Sequence[Utterance], top_k: int
) -> list[UtterancePrediction]:
    out: list[UtterancePrediction] = []
    for u in utterances:
        words: list[WordPrediction] = []
        tops: list[float] = []
        for wi, w in enumerate(u.words):
            if w.morphemes:
                per_morph = memory.morph_labels(w, top_k)
                morphs: list[MorphPrediction] = [
                    {"index": i, "form": m.form, "labels": labels}
                    for i, (m, labels) in enumerate(zip(w.morphemes, per_morph, strict=True))
                ]
                tops.extend(labels[0]["p"] for labels in per_morph)
                words.append(
                    {
                        "index": wi,
                        "form": w.form,
                        "labels": [],
                        "morphemes": morphs,
                        "segmentations": [],
                    }
                )
            else:
                labels = memory.word_labels(w, top_k)
                tops.append(labels[0]["p"])
                words.append(
                    {
                        "index": wi,
                        "form": w.form,
                        "labels": labels,
                        "morphemes": [],
                        "segmentations": [],
                    }
                )
        out.append({"id": u.id, "words": words, "confidence": confidence(tops)})
    return out


class MemoryModel:
    """gloss or pos by memory."""

    kind = "memory"

    def __init__(self, task: str, memory: GlossMemory, params: Mapping[str, Any]) -> None:
        self.task = task
        self.memory = memory
        self.params = dict(params)

    @classmethod
    def train(
        cls, task: str, train: Sequence[Utterance], params: Mapping[str, Any], reporter: Reporter
    ) -> MemoryModel:
        memory = GlossMemory(
            lowercase=bool(params["lowercase"]), field="pos" if task == "pos" else "gloss"
        )
        memory.fit(train, reporter)
        reporter.step(1.0, "done", step=len(train))
        return cls(task, memory, params)

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        return predict_with_memory(self.memory, utterances, top_k)

    def save(self, directory: Path) -> None:
        artifacts.write_manifest(
            directory, self.task, self.kind, self.params, {"memory": "memory.json"}
        )
        artifacts.write_json(directory / "memory.json", self.memory.to_json())

    @classmethod
    def load(cls, directory: Path, manifest: Mapping[str, Any]) -> MemoryModel:
        data = artifacts.read_json(directory / "memory.json")
        return cls(str(manifest["task"]), GlossMemory.from_json(data), manifest["params"])


class SegmentMemory:
    """Attested analyses of a surface form: (boundaries, morph forms, glosses), ranked."""

    def __init__(self, lowercase: bool = True) -> None:
        self.lowercase = lowercase
        self.analyses = Memory()

    def fit(self, utterances: Sequence[Utterance]) -> None:
        for u in utterances:
            for w in u.words:
                if w.morphemes:
                    analysis = [
                        [m.boundary for m in w.morphemes],
                        [m.form for m in w.morphemes],
                        [m.gloss for m in w.morphemes],
                    ]
                    self.analyses.add(
                        norm(w.form, self.lowercase), json.dumps(analysis, ensure_ascii=False)
                    )

    def ranked(self, form: str, top_k: int) -> list[Segmentation]:
        result: list[Segmentation] = []
        for item in self.analyses.ranked(norm(form, self.lowercase), top_k):
            boundaries, forms, glosses = json.loads(item["label"])
            result.append(
                {"morphemes": forms, "glosses": glosses, "boundaries": boundaries, "p": item["p"]}
            )
        return result


class SegmentMemoryModel:
    kind = "memory"
    task = "segment"

    def __init__(
        self, analyses: SegmentMemory, glosses: GlossMemory, params: Mapping[str, Any]
    ) -> None:
        self.analyses = analyses
        self.glosses = glosses
        self.params = dict(params)

    @classmethod
    def train(
        cls, task: str, train: Sequence[Utterance], params: Mapping[str, Any], reporter: Reporter
    ) -> SegmentMemoryModel:
        lowercase = bool(params["lowercase"])
        analyses = SegmentMemory(lowercase)
        analyses.fit(train)
        glosses = GlossMemory(lowercase)
        glosses.fit(train, reporter)
        reporter.step(1.0, "done", step=len(train))
        return cls(analyses, glosses, params)

    def segment_word(self, word: Word, top_k: int) -> list[Segmentation]:
        ranked = self.analyses.ranked(word.form, top_k)
        if ranked:
            return ranked
        # Never segmented in training: the word as one morph, its gloss from memory or copied.
        labels = self.glosses.word_labels(word, 1)
        pieces = split_segmented(labels[0]["label"])
        return [
            {
                "morphemes": [word.form],
                "glosses": [join_pieces((b for b, _ in pieces), (p for _, p in pieces))],
                "boundaries": [""],
                "p": labels[0]["p"],
            }
        ]

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        out: list[UtterancePrediction] = []
        for u in utterances:
            words: list[WordPrediction] = []
            tops: list[float] = []
            for wi, w in enumerate(u.words):
                segs = self.segment_word(w, top_k)
                tops.append(segs[0]["p"])
                words.append(
                    {
                        "index": wi,
                        "form": w.form,
                        "labels": [],
                        "morphemes": [],
                        "segmentations": segs,
                    }
                )
            out.append({"id": u.id, "words": words, "confidence": confidence(tops)})
        return out

    def save(self, directory: Path) -> None:
        artifacts.write_manifest(
            directory,
            self.task,
            self.kind,
            self.params,
            {"analyses": "analyses.json", "memory": "memory.json"},
        )
        artifacts.write_json(
            directory / "analyses.json",
            {"lowercase": self.analyses.lowercase, "analyses": self.analyses.analyses.to_json()},
        )
        artifacts.write_json(directory / "memory.json", self.glosses.to_json())

    @classmethod
    def load(cls, directory: Path, manifest: Mapping[str, Any]) -> SegmentMemoryModel:
        data = artifacts.read_json(directory / "analyses.json")
        analyses = SegmentMemory(bool(data["lowercase"]))
        analyses.analyses = Memory.from_json(data["analyses"])
        glosses = GlossMemory.from_json(artifacts.read_json(directory / "memory.json"))
        return cls(analyses, glosses, manifest["params"])
