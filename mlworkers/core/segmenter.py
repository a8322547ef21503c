"""Segmentation with glosses for unsegmented words (the shared task's track 1).

A word form seen segmented in training gets its attested analyses, ranked by frequency. A form
never seen is cut by a character-level CRF (each character tagged as continuing the morph, or
starting one after ``-`` or ``=``), trained on the training words whose morphs spell the written
form; its morphs are then glossed by the CRF gloss model in the context of the utterance.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
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
CHAIN_MIN_STEM = 2  # a suffix chain is looked for only after a stem of at least this many letters


class Chains:
    """The suffix chains of the training words, as spelled: ``дин`` is ``-ди-н`` in ``тарих-ди-н``.

    An unseen form ending in an attested chain is likely a new stem before it (analogy from the
    seen words sharing the chain), but only as likely as that ending is a chain in training: for
    each chain, how many word types end in it (after a stem of ``CHAIN_MIN_STEM`` letters) and in
    how many of those it is the word's suffixes. The character CRF gets, at the start of the most
    reliable such chain, that reliability, and the chain's own cuts. Counted over word types; a
    training word's own counts are left out when its features are made (``own``), so that the
    CRF meets chains as reliable as they will be on new words.
    """

    def __init__(self) -> None:
        self.cuts: dict[str, Counter[str]] = {}
        self.ends: Counter[str] = Counter()

    def fit(self, words: Sequence[tuple[str, Sequence[str], Sequence[str]]]) -> None:
        """``words``: (plain form, plain morphs, character tags) of each word type."""
        for _, morphs, tags in words:
            if len(morphs) >= 2:
                stem = len(morphs[0])
                chain = "".join(morphs[1:])
                self.cuts.setdefault(chain, Counter())["".join(tags[stem:])] += 1
        for form, _, _ in words:
            for k in range(CHAIN_MIN_STEM, len(form)):
                if form[k:] in self.cuts:
                    self.ends[form[k:]] += 1

    def reliability(self, chain: str, own: tuple[str, str, str] | None = None) -> float:
        """How often a word ending in ``chain`` has it as its suffixes (``own``: form, chain,
        chain cut of a training word, whose counts are left out)."""
        cuts = self.cuts.get(chain)
        if not cuts:
            return 0.0
        n, total = sum(cuts.values()), self.ends[chain]
        if own is not None:
            total -= (
                1 if own[0].endswith(chain) and len(own[0]) - len(chain) >= CHAIN_MIN_STEM else 0
            )
            n -= 1 if own[1] == chain else 0
        return n / total if n > 0 and total > 0 else 0.0

    def best_cut(self, chain: str, own: tuple[str, str, str] | None = None) -> str:
        cuts = Counter(self.cuts.get(chain, {}))
        if own is not None and own[1] == chain:
            cuts[own[2]] -= 1
        ranked = [c for c, n in cuts.most_common() if n > 0]
        return ranked[0] if ranked else ""

    def to_json(self) -> dict[str, Any]:
        return {"cuts": {k: dict(v) for k, v in self.cuts.items()}, "ends": dict(self.ends)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Chains:
        chains = cls()
        chains.cuts = {
            str(k): Counter({str(c): int(n) for c, n in v.items()}) for k, v in data["cuts"].items()
        }
        chains.ends = Counter({str(k): int(n) for k, n in data["ends"].items()})
        return chains


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


def char_features(
    form: str,
    pieces: set[str],
    chains: Chains | None = None,
    own: tuple[str, str, str] | None = None,
) -> list[Features]:
    """Features of each character; ``own``: a training word's (form, chain, chain cut), whose
    own counts the chain features leave out."""
    s = plain(form)
    if len(s) != len(form):
        s = form.lower()
    padded = f"^{s}$"
    out: list[Features] = []
    marks: dict[int, str] = {}
    if chains is not None:
        # The most reliable attested chain the form ends in (the longer on a tie): its start is
        # a cut, its own cuts too.
        best, best_r = -1, 0.0
        for start in range(CHAIN_MIN_STEM, len(s)):
            r = chains.reliability(s[start:], own)
            if r > best_r:
                best, best_r = start, r
        if best >= 0:
            bucket = str(min(int(best_r * 5), 4))
            marks[best] = f"start{bucket}"
            for k, tag in enumerate(chains.best_cut(s[best:], own)):
                if k > 0 and tag != CONTINUE:
                    marks[best + k] = f"inside{bucket}"
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
            if i in marks:
                f["chain"] = marks[i]
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
        chains: Chains | None = None,
    ) -> None:
        self.chains = chains
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
        types: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for u in train:
            for w in u.words:
                tags = char_tags(w)
                if tags is not None:
                    pieces.update(plain(m.form) for m in w.morphemes)
                    types.setdefault(
                        (plain(w.form), tuple(plain(m.form) for m in w.morphemes)), tags
                    )
        chains = Chains()
        chains.fit([(form, morphs, tags) for (form, morphs), tags in types.items()])
        for u in train:
            for w in u.words:
                tags = char_tags(w)
                if tags:
                    morphs = [plain(m.form) for m in w.morphemes]
                    own = (
                        plain(w.form),
                        "".join(morphs[1:]),
                        "".join(tags[len(morphs[0]) :]),
                    )
                    xs.append(char_features(w.form, pieces, chains, own))
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
        return cls(params, analyses, pieces, segmenter, glosser, chains)

    def cut_word(self, form: str) -> tuple[list[str], list[str], float]:
        feats = char_features(form, self.pieces, self.chains)
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
            cuts: dict[int, tuple[list[str], list[str], float]] = {}
            for wi, w in enumerate(u.words):
                segs = self.analyses.ranked(w.form, top_k)
                ranked.append(segs)
                if segs:
                    forms, boundaries = segs[0]["morphemes"], segs[0]["boundaries"]
                else:
                    cuts[wi] = self.cut_word(w.form)
                    forms, boundaries = cuts[wi][0], cuts[wi][1]
                words.append(
                    Word(
                        w.form,
                        tuple(Morph(f, boundary=b) for f, b in zip(forms, boundaries, strict=True)),
                    )
                )
            # Gloss the cut of each new word in the context of the whole utterance.
            segmented = Utterance(u.id, tuple(words), u.translation, u.version)
            glossed: dict[int, list[tuple[str, float]]] = {}
            for unit, labels in self.glosser.ranked_units(segmented, 1):
                top_label = labels[0] if labels else {"label": unit.form, "p": 0.0}
                glossed.setdefault(unit.word, []).append((top_label["label"], top_label["p"]))
            for wi, w in enumerate(words):
                if wi not in cuts:
                    # A form seen segmented keeps its attested analyses: re-glossing them in
                    # context helped Lezgi (+0.5) and hurt Uspanteko (-0.9) on dev.
                    continue
                glosses = glossed.get(wi, [])
                p = cuts[wi][2] if wi in cuts else ranked[wi][0]["p"]
                for _, gp in glosses:
                    p *= gp
                best: Segmentation = {
                    "morphemes": [m.form for m in w.morphemes],
                    "glosses": [g for g, _ in glosses] or [m.form for m in w.morphemes],
                    "boundaries": [m.boundary for m in w.morphemes],
                    "p": p,
                }
                rest = [
                    seg
                    for seg in ranked[wi]
                    if (seg["morphemes"], seg["glosses"]) != (best["morphemes"], best["glosses"])
                ]
                ranked[wi] = [best, *rest][:top_k]
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
                **({"chains": self.chains.to_json()} if self.chains is not None else {}),
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
        chains = Chains.from_json(data["chains"]) if "chains" in data else None
        segmenter = Chain.load(directory, "segmenter")
        glosser_manifest = artifacts.read_manifest(directory / "glosser")
        glosser = CrfModel.load(directory / "glosser", glosser_manifest)
        return cls(manifest["params"], analyses, pieces, segmenter, glosser, chains)


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
