"""The CRF gloss and POS models: a linear-chain CRF over an utterance's morphs.

The CRF does not choose among thousands of stem glosses. It chooses what to trust for each
morph: the memory's first, second or third attested label (``=c0``..``=c2``), the free
translation (``=tr``), the form itself (``=copy``), or a grammatical label by name (``PL``,
``ERG``). Training sees memories built without the utterance's own fold (5-fold jackknife), so
that it meets unknown and ambiguous forms as it will on new text; prediction uses the memory of
the whole training set. With ``=c0`` everywhere it is the memory baseline, so it learns where
context, position and translation say otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlworkers.core import artifacts
from mlworkers.core.chain import Chain, fit
from mlworkers.core.data import Utterance, Word
from mlworkers.core.features import Features, utterance_features, word_units
from mlworkers.core.memory import GlossMemory, norm
from mlworkers.core.metrics import is_gram
from mlworkers.core.translation import TranslationProposer, matches, tokens
from mlworkers.core.types import (
    Label,
    MorphPrediction,
    Reporter,
    UtterancePrediction,
    WordPrediction,
    confidence,
)

FOLDS = 5
N_PROPOSALS = 3
PLACE_WEIGHT = 0.5
N_CANDIDATES = 3
LITERAL_MIN = 2
LITERALS = 40  # the most frequent grams are labels by name; the rest go through memory


@dataclass
class Unit:
    word: int
    index: int
    form: str
    candidates: list[str]
    proposal: str = ""
    proposals: list[tuple[str, float, float]] | None = None  # (gloss, rate, position distance)


def candidates(memory: GlossMemory, word: Word, mi: int) -> list[str]:
    out: list[str] = []
    if word.morphemes:
        if memory.segmented.labels(norm(_seg(word), memory.lowercase)):
            for item in memory.morph_labels(word, N_CANDIDATES)[mi]:
                if item["p"] > 0:
                    out.append(item["label"])
        form = word.morphemes[mi].form
    else:
        out.extend(memory.surface.labels(norm(word.form, memory.lowercase))[:N_CANDIDATES])
        form = word.form
    for label in memory.morph.labels(norm(form, memory.lowercase)):
        if label not in out:
            out.append(label)
    return out[:N_CANDIDATES]


def _seg(word: Word) -> str:
    return "".join(m.boundary + m.form for m in word.morphemes)


def units_of(
    utterance: Utterance, memory: GlossMemory, proposer: TranslationProposer | None
) -> list[Unit]:
    units: list[Unit] = []
    for wi, w in enumerate(utterance.words):
        for mi, (_, form) in enumerate(word_units(w)):
            units.append(Unit(wi, mi, form, candidates(memory, w, mi)))
    if proposer is not None and utterance.translation:
        known = [c for u in units for c in u.candidates[:2]]
        proposals = proposer.propose_placed(utterance.translation, known)
        n_words = max(1, len(utterance.words) - 1)
        for unit in units:
            if unit.candidates or not any(ch.isalpha() for ch in unit.form):
                continue
            where = unit.word / n_words
            # Nearest in relative position first, among the likelier gloss words.
            placed = sorted(
                ((g, rate, abs(where - at)) for g, rate, at in proposals),
                key=lambda x: -(x[1] - PLACE_WEIGHT * x[2]),
            )
            unit.proposals = placed[:N_PROPOSALS]
            if placed:
                unit.proposal = placed[0][0]
    return units


def unit_features(
    utterance: Utterance, units: list[Unit], memory: GlossMemory, lowercase: bool
) -> list[Features]:
    base = utterance_features(utterance, memory, lowercase)
    words = set(tokens(utterance.translation))
    for feats, unit in zip(base, units, strict=True):
        feats["nc"] = str(len(unit.candidates))
        for i, c in enumerate(unit.candidates):
            feats[f"c{i}"] = c
            feats[f"c{i}gram"] = 1.0 if is_gram(c) else 0.0
            if words and any(matches(t, c.lower()) for t in words):
                feats[f"c{i}tr"] = 1.0
        for i, (_, rate, dist) in enumerate(unit.proposals or []):
            feats[f"t{i}"] = 1.0
            feats[f"t{i}r"] = rate
            feats[f"t{i}d"] = str(min(int(dist * 5), 4))
        if unit.form.lower() in words:
            feats["formtr"] = 1.0
    return base


def relative(gold: str, unit: Unit, literals: set[str]) -> str:
    if gold in literals:
        # Frequent grams by name: their transitions (ERG then GEN, E3S then a noun) carry context.
        return gold
    if gold in unit.candidates:
        return f"=c{unit.candidates.index(gold)}"
    for i, (gloss, _, _) in enumerate(unit.proposals or []):
        if gold == gloss:
            return f"=t{i}"
    if gold == unit.form:
        return "=copy"
    return "=unk"


def resolve(label: str, unit: Unit) -> str:
    if label.startswith("=c") and label[2:].isdigit():
        i = int(label[2:])
        if i < len(unit.candidates):
            return unit.candidates[i]
        return unit.proposal or unit.form
    if label.startswith("=t") and label[2:].isdigit():
        i = int(label[2:])
        if unit.proposals and i < len(unit.proposals):
            return unit.proposals[i][0]
        return unit.proposal or unit.form
    if label == "=unk":
        return unit.proposal or unit.form
    if label == "=copy":
        return unit.form
    return label


def gold_labels(utterance: Utterance, field: str) -> list[str]:
    out: list[str] = []
    for w in utterance.words:
        if w.morphemes:
            out.extend(m.gloss if field == "gloss" else m.pos for m in w.morphemes)
        else:
            out.append(w.gloss if field == "gloss" else w.pos)
    return out


class CrfModel:
    kind = "crf"

    def __init__(
        self,
        task: str,
        params: Mapping[str, Any],
        memory: GlossMemory,
        proposer: TranslationProposer | None,
        chain: Chain,
    ) -> None:
        self.task = task
        self.params = dict(params)
        self.memory = memory
        self.proposer = proposer
        self.chain = chain

    @property
    def field(self) -> str:
        return "pos" if self.task == "pos" else "gloss"

    @classmethod
    def train(
        cls, task: str, train: Sequence[Utterance], params: Mapping[str, Any], reporter: Reporter
    ) -> CrfModel:
        field = "pos" if task == "pos" else "gloss"
        lowercase = bool(params["lowercase"])
        use_tr = bool(params["use_translation"]) and task == "gloss"
        counts: Counter[str] = Counter(g for u in train for g in gold_labels(u, field) if g)
        grams = Counter({g: n for g, n in counts.items() if n >= LITERAL_MIN and is_gram(g)})
        literals = {g for g, _ in grams.most_common(LITERALS)}
        xs: list[list[Features]] = []
        ys: list[list[str]] = []
        for fold in range(FOLDS):
            reporter.step(0.1 * fold / FOLDS, f"building features (fold {fold + 1}/{FOLDS})")
            rest = [u for i, u in enumerate(train) if i % FOLDS != fold]
            held = [u for i, u in enumerate(train) if i % FOLDS == fold]
            memory = GlossMemory(lowercase, field)
            memory.fit(rest)
            proposer = None
            if use_tr:
                proposer = TranslationProposer()
                proposer.fit(rest, is_gram)
            for u in held:
                units = units_of(u, memory, proposer)
                gold = gold_labels(u, field)
                if not units:
                    continue
                xs.append(unit_features(u, units, memory, lowercase))
                ys.append(
                    [relative(g, unit, literals) for g, unit in zip(gold, units, strict=True)]
                )
        memory = GlossMemory(lowercase, field)
        memory.fit(train)
        proposer = None
        if use_tr:
            proposer = TranslationProposer()
            proposer.fit(train, is_gram)
        chain = fit(
            xs,
            ys,
            params,
            reporter,
            iterations=int(params["max_iterations"]),
            span=(0.1, 1.0),
            message="training the CRF",
        )
        reporter.step(1.0, "done")
        return cls(task, params, memory, proposer, chain)

    def ranked_units(self, utterance: Utterance, top_k: int) -> list[tuple[Unit, list[Label]]]:
        units = units_of(utterance, self.memory, self.proposer)
        if not units:
            return []
        feats = unit_features(utterance, units, self.memory, self.memory.lowercase)
        best, marginals = self.chain.decode(feats)
        out: list[tuple[Unit, list[Label]]] = []
        for t, unit in enumerate(units):
            scores: dict[str, float] = {}
            for j in np.argsort(-marginals[t])[: top_k + 4]:
                label = resolve(self.chain.labels[int(j)], unit)
                scores[label] = scores.get(label, 0.0) + float(marginals[t][j])
            top = resolve(self.chain.labels[best[t]], unit)
            ordered = sorted(scores.items(), key=lambda kv: (kv[0] != top, -kv[1]))[:top_k]
            labels: list[Label] = [{"label": k, "p": v} for k, v in ordered]
            out.append((unit, labels))
        return out

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        out: list[UtterancePrediction] = []
        for u in utterances:
            ranked = self.ranked_units(u, top_k)
            words: list[WordPrediction] = [
                {"index": wi, "form": w.form, "labels": [], "morphemes": [], "segmentations": []}
                for wi, w in enumerate(u.words)
            ]
            tops: list[float] = []
            for unit, labels in ranked:
                tops.append(labels[0]["p"] if labels else 0.0)
                word = u.words[unit.word]
                if word.morphemes:
                    morph: MorphPrediction = {
                        "index": unit.index,
                        "form": unit.form,
                        "labels": labels,
                    }
                    words[unit.word]["morphemes"].append(morph)
                else:
                    words[unit.word]["labels"] = labels
            out.append({"id": u.id, "words": words, "confidence": confidence(tops)})
        return out

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        files = self.chain.save(directory, "crf")
        files["memory"] = "memory.json"
        artifacts.write_json(directory / "memory.json", self.memory.to_json())
        if self.proposer is not None:
            files["translation"] = "translation.json"
            artifacts.write_json(directory / "translation.json", self.proposer.to_json())
        artifacts.write_manifest(directory, self.task, self.kind, self.params, files)

    @classmethod
    def load(cls, directory: Path, manifest: Mapping[str, Any]) -> CrfModel:
        memory = GlossMemory.from_json(artifacts.read_json(directory / "memory.json"))
        proposer = None
        if "translation" in manifest["files"]:
            proposer = TranslationProposer.from_json(
                artifacts.read_json(directory / "translation.json")
            )
        chain = Chain.load(directory, "crf")
        return cls(str(manifest["task"]), manifest["params"], memory, proposer, chain)
