"""Segmentation with glosses for unsegmented words (the shared task's track 1).

A word form seen segmented in training gets its attested analyses, ranked by frequency. A form
never seen is cut by a character-level CRF (each character tagged as continuing the morph, or
starting one after ``-`` or ``=``), trained on the training words whose morphs spell the written
form; its morphs are then glossed by the CRF gloss model in the context of the utterance.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlworkers.core import artifacts
from mlworkers.core.chain import Chain, fit
from mlworkers.core.counts import Memory
from mlworkers.core.crf import CrfModel
from mlworkers.core.data import Morph, Utterance, Word
from mlworkers.core.features import Features
from mlworkers.core.memory import SegmentMemory
from mlworkers.core.types import (
    Reporter,
    Segmentation,
    UtterancePrediction,
    WordPrediction,
    confidence,
)

CONTINUE = "I"


def plain(text: str) -> str:
    """Lowercase without accents: ``r-ixóqiil`` spells ``rixoqiil``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def char_tags(word: Word) -> list[str] | None:
    """Tags for the written form when its morphs spell it (else None: not surface-segmented)."""
    if not word.morphemes:
        return None
    if plain("".join(m.form for m in word.morphemes)) != plain(word.form):
        return None
    if len(plain(word.form)) != len(word.form.lower()):
        return None
    tags: list[str] = []
    for m in word.morphemes:
        for i, _ in enumerate(plain(m.form)):
            tags.append((m.boundary or "-") if i == 0 and tags else CONTINUE)
    return tags


def char_features(form: str, pieces: set[str]) -> list[Features]:
    s = plain(form)
    if len(s) != len(form):
        s = form.lower()
    padded = f"^{s}$"
    out: list[Features] = []
    for i in range(len(s)):
        j = i + 1  # index in padded
        f: Features = {
            "bias": 1.0,
            "c": padded[j],
            "c-1": padded[j - 1],
            "c+1": padded[j + 1] if j + 1 < len(padded) else "$",
            "c-2c-1": padded[max(0, j - 2) : j],
            "c-1c": padded[j - 1 : j + 1],
            "cc+1": padded[j : j + 2],
            "cc+1c+2": padded[j : j + 3],
            "c-3c-1": padded[max(0, j - 3) : j],
            "i": str(min(i, 6)),
            "ri": str(min(len(s) - i, 6)),
        }
        if i > 0:
            left, right = s[:i], s[i:]
            for n in (1, 2, 3, 4, 5, 6):
                if len(left) >= n and left[-n:] in pieces:
                    f[f"lk{n}"] = 1.0
                if len(right) >= n and right[:n] in pieces:
                    f[f"rk{n}"] = 1.0
            if left in pieces:
                f["lw"] = 1.0
            if right in pieces:
                f["rw"] = 1.0
        out.append(f)
    return out


def cut(form: str, tags: Sequence[str]) -> tuple[list[str], list[str]]:
    morphs: list[str] = []
    boundaries: list[str] = []
    for ch, tag in zip(form, tags, strict=True):
        if not morphs or tag != CONTINUE:
            morphs.append(ch)
            boundaries.append("" if not boundaries else tag)
        else:
            morphs[-1] += ch
    return morphs, boundaries


class SegmentCrfModel:
    task = "segment"
    kind = "crf"

    def __init__(
        self,
        params: Mapping[str, Any],
        analyses: SegmentMemory,
        pieces: set[str],
        segmenter: Chain,
        glosser: CrfModel,
    ) -> None:
        self.params = dict(params)
        self.analyses = analyses
        self.pieces = pieces
        self.segmenter = segmenter
        self.glosser = glosser

    @classmethod
    def train(
        cls, task: str, train: Sequence[Utterance], params: Mapping[str, Any], reporter: Reporter
    ) -> SegmentCrfModel:
        analyses = SegmentMemory(bool(params["lowercase"]))
        analyses.fit(train)
        xs: list[list[Features]] = []
        ys: list[list[str]] = []
        pieces: set[str] = set()
        for u in train:
            for w in u.words:
                if char_tags(w) is not None:
                    pieces.update(plain(m.form) for m in w.morphemes)
        for u in train:
            for w in u.words:
                tags = char_tags(w)
                if tags:
                    xs.append(char_features(w.form, pieces))
                    ys.append(tags)
        if not xs:
            raise ValueError("train: no segmented word is spelled by its morphs; cannot learn cuts")
        reporter.step(0.02, f"training the segmenter on {len(xs)} words")
        iterations = int(params["segmenter_iterations"])
        segmenter = fit(
            xs, ys, params, reporter, iterations=iterations, span=(0.02, 0.3), message="segmenter"
        )
        sub = _SubReporter(reporter, 0.3, 1.0)
        glosser = CrfModel.train("gloss", train, _gloss_params(params), sub)
        reporter.step(1.0, "done")
        return cls(params, analyses, pieces, segmenter, glosser)

    def cut_word(self, form: str) -> tuple[list[str], list[str], float]:
        feats = char_features(form, self.pieces)
        if not feats:
            return [form], [""], 0.0
        best, marginals = self.segmenter.decode(feats)
        tags = [self.segmenter.labels[i] for i in best]
        morphs, boundaries = cut(form, tags)
        p = 1.0
        for t, i in enumerate(best):
            p *= float(marginals[t][i])
        return morphs, boundaries, p

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        out: list[UtterancePrediction] = []
        for u in utterances:
            ranked: list[list[Segmentation]] = []
            words: list[Word] = []
            unseen: list[int] = []
            for wi, w in enumerate(u.words):
                segs = self.analyses.ranked(w.form, top_k)
                ranked.append(segs)
                if segs:
                    top = segs[0]
                    words.append(
                        Word(
                            w.form,
                            tuple(
                                Morph(f, boundary=b)
                                for f, b in zip(top["morphemes"], top["boundaries"], strict=True)
                            ),
                        )
                    )
                else:
                    unseen.append(wi)
                    morphs, boundaries, _ = self.cut_word(w.form)
                    words.append(
                        Word(
                            w.form,
                            tuple(
                                Morph(f, boundary=b)
                                for f, b in zip(morphs, boundaries, strict=True)
                            ),
                        )
                    )
            if unseen:
                segmented = Utterance(u.id, tuple(words), u.translation, u.version)
                glossed: dict[int, list[tuple[str, float]]] = {}
                for unit, labels in self.glosser.ranked_units(segmented, 1):
                    if unit.word in unseen:
                        top_label = labels[0] if labels else {"label": unit.form, "p": 0.0}
                        glossed.setdefault(unit.word, []).append(
                            (top_label["label"], top_label["p"])
                        )
                for wi in unseen:
                    morphs, boundaries, p_cut = self.cut_word(u.words[wi].form)
                    glosses = glossed.get(wi, [])
                    p = p_cut
                    for _, gp in glosses:
                        p *= gp
                    ranked[wi] = [
                        {
                            "morphemes": morphs,
                            "glosses": [g for g, _ in glosses] or list(morphs),
                            "boundaries": boundaries,
                            "p": p,
                        }
                    ]
            preds: list[WordPrediction] = [
                {"index": wi, "form": w.form, "labels": [], "morphemes": [], "segmentations": segs}
                for wi, (w, segs) in enumerate(zip(u.words, ranked, strict=True))
            ]
            tops = [segs[0]["p"] if segs else 0.0 for segs in ranked]
            out.append({"id": u.id, "words": preds, "confidence": confidence(tops)})
        return out

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        files = self.segmenter.save(directory, "segmenter")
        artifacts.write_json(
            directory / "analyses.json",
            {
                "lowercase": self.analyses.lowercase,
                "analyses": self.analyses.analyses.to_json(),
                "pieces": sorted(self.pieces),
            },
        )
        files["analyses"] = "analyses.json"
        glosser_dir = directory / "glosser"
        self.glosser.save(glosser_dir)
        files["glosser"] = "glosser/manifest.json"
        artifacts.write_manifest(directory, self.task, self.kind, self.params, files)

    @classmethod
    def load(cls, directory: Path, manifest: Mapping[str, Any]) -> SegmentCrfModel:
        data = artifacts.read_json(directory / "analyses.json")
        analyses = SegmentMemory(bool(data["lowercase"]))
        analyses.analyses = Memory.from_json(data["analyses"])
        pieces = {str(p) for p in data["pieces"]}
        segmenter = Chain.load(directory, "segmenter")
        glosser_manifest = artifacts.read_manifest(directory / "glosser")
        glosser = CrfModel.load(directory / "glosser", glosser_manifest)
        return cls(manifest["params"], analyses, pieces, segmenter, glosser)


def _gloss_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: params[k] for k in ("lowercase", "seed", "c1", "c2", "max_iterations", "use_translation")
    }


class _SubReporter(Reporter):
    """Maps a nested training's 0..1 progress into a span of the outer one."""

    def __init__(self, outer: Reporter, lo: float, hi: float) -> None:
        self.outer, self.lo, self.hi = outer, lo, hi

    def check(self) -> None:
        self.outer.check()

    def step(
        self,
        fraction: float,
        message: str,
        *,
        step: int = 0,
        epoch: int = 0,
        loss: float | None = None,
    ) -> None:
        self.outer.step(
            self.lo + (self.hi - self.lo) * fraction, message, step=step, epoch=epoch, loss=loss
        )
