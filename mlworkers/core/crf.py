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
from mlworkers.core.alignment import (
    Candidate,
    PairScorer,
    is_gloss_of,
    pair_features,
    rate_ranks,
)
from mlworkers.core.chain import Chain, fit
from mlworkers.core.counts import Memory
from mlworkers.core.data import Utterance, Word, morph_key, split_segmented, word_gloss
from mlworkers.core.features import Features, utterance_features, word_units
from mlworkers.core.memory import GlossMemory, norm
from mlworkers.core.metrics import is_gram
from mlworkers.core.translation import (
    Lookup,
    TranslationProposer,
    exact_match,
    neighbours,
    tokens,
)
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
    left: str = ""  # the label this unit had after the same previous word in training
    right: str = ""  # ... before the same next word


def word_key(word: Word, lowercase: bool) -> str:
    return norm(morph_key(word) if word.morphemes else word.form, lowercase)


class Context:
    """Word-bigram memories: the whole label string a word had beside the same neighbour.

    These settle most ambiguous forms (a suffix that is PL after one stem and PST after
    another, a stem glossed two ways): the CRF learns how far to trust them over the unigram
    memory.
    """

    def __init__(self, lowercase: bool, field: str) -> None:
        self.lowercase = lowercase
        self.field = field
        self.left = Memory()
        self.right = Memory()

    def fit(self, utterances: Sequence[Utterance]) -> None:
        for u in utterances:
            keys = ["<s>", *(word_key(w, self.lowercase) for w in u.words), "</s>"]
            for i, w in enumerate(u.words):
                label = _word_label(w, self.field)
                if label:
                    self.left.add(f"{keys[i]}\t{keys[i + 1]}", label)
                    self.right.add(f"{keys[i + 1]}\t{keys[i + 2]}", label)

    def pieces(self, memory: Memory, key: str, n: int) -> list[str] | None:
        best = memory.best(key)
        if best is None:
            return None
        pieces = [p for _, p in split_segmented(best)] if n > 1 else [best]
        return pieces if len(pieces) == n else None

    def to_json(self) -> dict[str, Any]:
        return {
            "lowercase": self.lowercase,
            "field": self.field,
            "left": self.left.to_json(),
            "right": self.right.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Context:
        context = cls(bool(data["lowercase"]), str(data["field"]))
        context.left = Memory.from_json(data["left"])
        context.right = Memory.from_json(data["right"])
        return context


def _word_label(word: Word, field: str) -> str:
    if field == "gloss":
        return word_gloss(word)
    if word.pos:
        return word.pos
    return "".join(m.boundary + m.pos for m in word.morphemes)


def candidates(
    memory: GlossMemory, word: Word, mi: int, whole: list[list[Label]] | None = None
) -> list[str]:
    out: list[str] = []
    if word.morphemes:
        if whole is None and memory.segmented.labels(norm(morph_key(word), memory.lowercase)):
            whole = memory.morph_labels(word, N_CANDIDATES)
        if whole is not None:
            for item in whole[mi]:
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


def units_of(
    utterance: Utterance,
    memory: GlossMemory,
    proposer: TranslationProposer | None,
    context: Context | None = None,
) -> list[Unit]:
    units: list[Unit] = []
    keys = ["<s>", *(word_key(w, memory.lowercase) for w in utterance.words), "</s>"]
    for wi, w in enumerate(utterance.words):
        n = len(word_units(w))
        left = right = None
        if context is not None:
            left = context.pieces(context.left, f"{keys[wi]}\t{keys[wi + 1]}", n)
            right = context.pieces(context.right, f"{keys[wi + 1]}\t{keys[wi + 2]}", n)
        whole = None
        if w.morphemes and norm(morph_key(w), memory.lowercase) in memory.segmented:
            whole = memory.morph_labels(w, N_CANDIDATES)
        for mi, (_, form) in enumerate(word_units(w)):
            unit = Unit(wi, mi, form, candidates(memory, w, mi, whole))
            for side, pieces in (("left", left), ("right", right)):
                if pieces is not None and pieces[mi]:
                    setattr(unit, side, pieces[mi])
                    if pieces[mi] not in unit.candidates:
                        unit.candidates.append(pieces[mi])
            units.append(unit)
    if proposer is not None and utterance.translation:
        _place_translation(utterance, units, proposer)
    return units


def _unknown(units: Sequence[Unit]) -> list[Unit]:
    return [u for u in units if not u.candidates and any(ch.isalpha() for ch in u.form)]


def _pair_rows(
    utterance: Utterance,
    unknown: Sequence[Unit],
    cands: Sequence[Candidate],
    proposer: TranslationProposer,
) -> list[list[list[float]]]:
    """Features of every (unknown stem, translation word) pair: rows[stem][word]."""
    n_words = max(1, len(utterance.words) - 1)
    ranks = rate_ranks(cands)
    crowding = len(unknown) / max(1, len(cands))
    rows = []
    for unit in unknown:
        forms = [m.form for m in utterance.words[unit.word].morphemes]
        keys = neighbours(forms, unit.index)
        rows.append(
            [
                pair_features(
                    unit.form,
                    unit.word / n_words,
                    c,
                    rank,
                    crowding,
                    proposer.agreement.score(keys, c.token),
                )
                for c, rank in zip(cands, ranks, strict=True)
            ]
        )
    return rows


def _place_translation(
    utterance: Utterance, units: list[Unit], proposer: TranslationProposer
) -> None:
    known = [c for u in units for c in u.candidates[:2]]
    unknown = _unknown(units)
    if not unknown:
        return
    n_words = max(1, len(utterance.words) - 1)
    if not proposer.scorer.fitted:
        proposals = proposer.propose_placed(utterance.translation, known)
        for unit in unknown:
            where = unit.word / n_words
            # Nearest in relative position first, among the likelier gloss words.
            placed = sorted(
                ((g, rate, abs(where - at)) for g, rate, at in proposals),
                key=lambda x: -(x[1] - PLACE_WEIGHT * x[2]),
            )
            unit.proposals = placed[:N_PROPOSALS]
            if placed:
                unit.proposal = placed[0][0]
        return
    cands = proposer.candidates(utterance.translation, known)
    if not cands:
        return
    rows = _pair_rows(utterance, unknown, cands, proposer)
    scored = [
        [
            (c.gloss, proposer.scorer.score(row), abs(unit.word / n_words - c.at))
            for c, row in zip(cands, unit_rows, strict=True)
        ]
        for unit, unit_rows in zip(unknown, rows, strict=True)
    ]
    # One word per stem, best pairs first: two new stems of a sentence rarely share a gloss, so
    # the word one takes is offered to the next only after its own best.
    pairs = sorted(((p[1], ui, p) for ui, ps in enumerate(scored) for p in ps), key=lambda x: -x[0])
    assigned: dict[int, tuple[str, float, float]] = {}
    used: set[str] = set()
    for _, ui, proposal in pairs:
        if ui in assigned or proposal[0] in used:
            continue
        assigned[ui] = proposal
        used.add(proposal[0])
    for ui, unit in enumerate(unknown):
        ranked = sorted(scored[ui], key=lambda p: -p[1])
        mine = assigned.get(ui)
        if mine is not None:
            ranked = [mine, *(p for p in ranked if p[0] != mine[0])]
        unit.proposals = ranked[:N_PROPOSALS]
        unit.proposal = ranked[0][0]


def alignment_pairs(
    utterance: Utterance,
    memory: GlossMemory,
    proposer: TranslationProposer,
    context: Context | None,
    gold: Sequence[str],
) -> tuple[list[list[float]], list[int]]:
    """Training pairs for the scorer from one held-out utterance: its unknown stems (by the
    other folds' memory) against its translation's free words, right where the word glosses it."""
    if not utterance.translation:
        return [], []
    units = units_of(utterance, memory, None, context)
    unknown = _unknown(units)
    golds = {id(u): g for u, g in zip(units, gold, strict=True)}
    unknown = [u for u in unknown if golds[id(u)] and not is_gram(golds[id(u)])]
    if not unknown:
        return [], []
    known = [c for u in units for c in u.candidates[:2]]
    cands = proposer.candidates(utterance.translation, known)
    if not cands:
        return [], []
    rows = _pair_rows(utterance, unknown, cands, proposer)
    xs: list[list[float]] = []
    ys: list[int] = []
    for unit, unit_rows in zip(unknown, rows, strict=True):
        for c, row in zip(cands, unit_rows, strict=True):
            xs.append(row)
            ys.append(1 if is_gloss_of(golds[id(unit)], c) else 0)
    return xs, ys


def unit_features(
    utterance: Utterance, units: list[Unit], memory: GlossMemory, lowercase: bool
) -> list[Features]:
    base = utterance_features(utterance, memory, lowercase)
    translation = tokens(utterance.translation)
    words = set(translation)
    lookup = Lookup(translation)
    for feats, unit in zip(base, units, strict=True):
        feats["nc"] = str(len(unit.candidates))
        if unit.left:
            feats["L"] = str(unit.candidates.index(unit.left))
        if unit.right:
            feats["R"] = str(unit.candidates.index(unit.right))
        if unit.left and unit.left == unit.right:
            feats["LR"] = str(unit.candidates.index(unit.left))
        exact: list[int] = []
        for i, c in enumerate(unit.candidates):
            feats[f"c{i}"] = c
            feats[f"c{i}gram"] = 1.0 if is_gram(c) else 0.0
            if words and lookup.gloss(c.lower()):
                feats[f"c{i}tr"] = 1.0
                if not is_gram(c) and exact_match(c.lower(), words):
                    feats[f"c{i}tx"] = 1.0
                    exact.append(i)
        if exact:
            # Which of the attested glosses the translation names word for word: a strong cue
            # for a stem glossed two ways (``koj``: usar / león beside "se vuelve un león").
            feats["tx"] = str(exact[0])
            if exact[0] > 0:
                feats["txalt"] = 1.0
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
        context: Context | None = None,
    ) -> None:
        self.context = context
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
        folds = []
        pair_x: list[list[float]] = []
        pair_y: list[int] = []
        for fold in range(FOLDS):
            reporter.step(0.05 * fold / FOLDS, f"counting memories (fold {fold + 1}/{FOLDS})")
            rest = [u for i, u in enumerate(train) if i % FOLDS != fold]
            memory = GlossMemory(lowercase, field)
            memory.fit(rest)
            fold_context = Context(lowercase, field)
            fold_context.fit(rest)
            proposer = None
            if use_tr:
                proposer = TranslationProposer()
                proposer.fit(rest, is_gram)
                for u in train[fold::FOLDS]:
                    px, py = alignment_pairs(
                        u, memory, proposer, fold_context, gold_labels(u, field)
                    )
                    pair_x.extend(px)
                    pair_y.extend(py)
            folds.append((memory, fold_context, proposer))
        scorer = PairScorer()
        if use_tr:
            scorer.fit(pair_x, pair_y, int(params["seed"]))
        for fold, (memory, fold_context, proposer) in enumerate(folds):
            reporter.step(
                0.05 + 0.05 * fold / FOLDS, f"building features (fold {fold + 1}/{FOLDS})"
            )
            held = train[fold::FOLDS]
            if proposer is not None:
                proposer.scorer = scorer
            for u in held:
                units = units_of(u, memory, proposer, fold_context)
                gold = gold_labels(u, field)
                if not units:
                    continue
                xs.append(unit_features(u, units, memory, lowercase))
                ys.append(
                    [relative(g, unit, literals) for g, unit in zip(gold, units, strict=True)]
                )
        memory = GlossMemory(lowercase, field)
        memory.fit(train)
        context = Context(lowercase, field)
        context.fit(train)
        proposer = None
        if use_tr:
            proposer = TranslationProposer()
            proposer.fit(train, is_gram)
            proposer.scorer = scorer
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
        return cls(task, params, memory, proposer, chain, context)

    def ranked_units(self, utterance: Utterance, top_k: int) -> list[tuple[Unit, list[Label]]]:
        units = units_of(utterance, self.memory, self.proposer, self.context)
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
        if self.context is not None:
            files["context"] = "context.json"
            artifacts.write_json(directory / "context.json", self.context.to_json())
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
        context = None
        if "context" in manifest["files"]:
            context = Context.from_json(artifacts.read_json(directory / "context.json"))
        return cls(str(manifest["task"]), manifest["params"], memory, proposer, chain, context)
