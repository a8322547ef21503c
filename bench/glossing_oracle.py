"""Where the glossing errors are, and the ceiling each kind of error leaves (SIGMORPHON 2023 dev).

    .venv/bin/python bench/glossing_oracle.py                    # memory only, seconds
    .venv/bin/python bench/glossing_oracle.py --models memory,crf   # also the CRF (minutes)

Every dev word falls in one class, by what the segmented train file attests for it:

* ``consistent``: its form (track 2: its segmentation; track 1: its surface form) is attested
  with one gloss string only, and the dev gold is that string;
* ``majority``: attested with several gloss strings, and the dev gold is the most frequent;
* ``minority``: attested with several, the dev gold is one of the others (only context can say);
* ``unattested``: the form is attested, but never with the dev gold (the gold is new for it);
  the per-morph oracle below still asks whether its morphs could be glossed right;
* ``unseen``: the form never occurs in train. For these the per-morph oracle asks whether each
  morph's gold is a gram, is attested for that morph, is the form copied, or is a word of the
  translation (as written, or after a light English/Spanish suffix stripper):
  ``unseen-reachable`` if all are, else ``unseen-unreachable``; ``unseen-ambiguous`` if
  reachable but some morph's gold, though attested for it, is not its most frequent gloss
  before the same next morph (Lezgi ``-ди`` before ``-з`` is ERG 84, DIR 49, OBL 41 times in
  train: the same suffix in the same place glossed three ways). On track 1 (no gold
  segmentation) a gold piece counts as reachable when a train morph glossed so is spelled
  inside the word.

For each model the table gives the words it gets wrong per class, and two ceilings: the
accuracy if every error outside ``minority``, ``unattested`` and ``unseen-ambiguous`` were fixed
(what remains is the data's own inconsistency: a form glossed two ways, or glossed anew on
dev), and the accuracy a
perfect chooser among attested glosses, copies and translation words could reach. The
self-consistency line counts, over train itself (leave-one-out), how often a token of a
repeated form carries its form's most frequent gloss: the rate at which the annotators agree
with themselves, a bound on any model that reads the form alone.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from mlworkers.core import api  # noqa: E402
from mlworkers.core.data import Utterance, Word, morph_key, word_gloss  # noqa: E402
from mlworkers.core.metrics import blank, is_gram, predicted_string  # noqa: E402
from mlworkers.core.translation import tokens  # noqa: E402

DATA = (
    Path(__import__("os").environ.get("FIELDMARK_SHARED_DIR", str(ROOT.parent / "shared")))
    / "data"
    / "glossing"
)
LANGS = {"lez": "Lezgi", "usp": "Uspanteko"}
TARGET = {("lez", 2): 90.0, ("usp", 2): 87.0, ("lez", 1): 83.0, ("usp", 1): 83.0}
CLASSES = (
    "consistent",
    "majority",
    "minority",
    "unattested",
    "unseen-reachable",
    "unseen-ambiguous",
    "unseen-unreachable",
)
# Light suffix strippers, longest first: enough to meet "houses"/"house", "went"/"go" is beyond.
SUFFIXES = {
    "lez": ("ing", "ies", "ied", "es", "ed", "s"),
    "usp": (
        "aron",
        "ando",
        "iendo",
        "ado",
        "ido",
        "ar",
        "er",
        "ir",
        "an",
        "as",
        "es",
        "os",
        "a",
        "o",
        "e",
        "s",
        "n",
    ),
}


def corpus(code: str, split: str, track: int) -> list[Utterance]:
    from mlworkers.core.data import read_sigmorphon

    return read_sigmorphon(DATA / LANGS[code] / f"{code}-{split}-track{track}-uncovered")


def in_word(word: Word, i: int) -> str:
    """A morph's form and the form of the morph after it in its word (``$`` at the end)."""
    after = word.morphemes[i + 1].form.lower() if i + 1 < len(word.morphemes) else "$"
    return f"{word.morphemes[i].form.lower()}|{after}"


def stem(word: str, code: str) -> str:
    for suffix in SUFFIXES[code]:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def key(word: Word, track: int) -> str:
    return (morph_key(word) if track == 2 else word.form).lower()


def translation_names(gloss: str, translation: str, code: str) -> tuple[bool, bool]:
    """(as written, after stripping suffixes): the gloss, or a dotted part of it, is a word of
    the translation."""
    words = tokens(translation)
    parts = [p for p in re.split(r"[.\-_]", gloss.lower()) if p] or [gloss.lower()]
    plain = any(p in words for p in parts)
    stems = {stem(w, code) for w in words}
    return plain, plain or any(stem(p, code) in stems for p in parts)


def classify(
    code: str, track: int, train: Sequence[Utterance], dev: Sequence[Utterance]
) -> tuple[list[str], list[bool], dict[str, int]]:
    """One class per dev word (in order); whether a perfect chooser among attested glosses,
    copies and translation words could gloss it; the per-morph reasons for the rest."""
    words: dict[str, Counter[str]] = {}
    morphs: dict[str, Counter[str]] = {}
    spelled: dict[str, set[str]] = {}  # gloss -> the morph forms it was written on
    beside: dict[str, Counter[str]] = {}  # morph form | next morph form -> glosses
    for u in train:
        for w in u.words:
            if track == 2:
                words.setdefault(key(w, 2), Counter())[word_gloss(w)] += 1
            else:
                words.setdefault(w.form.lower(), Counter())[word_gloss(w)] += 1
            for i, m in enumerate(w.morphemes):
                morphs.setdefault(m.form.lower(), Counter())[m.gloss] += 1
                spelled.setdefault(m.gloss, set()).add(m.form.lower())
                beside.setdefault(in_word(w, i), Counter())[m.gloss] += 1
    classes: list[str] = []
    reach: list[bool] = []
    why: Counter[str] = Counter()
    for u in dev:
        for w in u.words:
            gold = word_gloss(w)
            seen = words.get(key(w, track))
            if seen and gold in seen:
                best = seen.most_common(1)[0][0]
                reach.append(True)
                if len(seen) == 1:
                    classes.append("consistent")
                else:
                    classes.append("majority" if gold == best else "minority")
                continue
            if track == 1:
                # Unsegmented dev words carry no gold segmentation: read the gold glosses only.
                pieces = [p for p in re.split(r"[-=]", gold) if p] or [gold]
                # A piece is reachable if a train morph glossed so is spelled inside the word.
                form = w.form.lower()
                ok = all(
                    is_gram(p)
                    or p.lower() in form
                    or translation_names(p, u.translation, code)[1]
                    or any(f in form for f in spelled.get(p, ()))
                    for p in pieces
                )
            else:
                ok = True
                ambiguous = False
                for i, m in enumerate(w.morphemes):
                    attested = morphs.get(m.form.lower(), Counter())
                    if m.gloss in attested:
                        why["morph attested"] += 1
                        there = beside.get(in_word(w, i)) or attested
                        if there.most_common(1)[0][0] != m.gloss:
                            why["morph attested, not the most frequent before its next morph"] += 1
                            ambiguous = True
                    elif m.gloss == m.form:
                        why["copy"] += 1
                    elif is_gram(m.gloss):
                        why["gram by name"] += 1
                    else:
                        plain, stemmed = translation_names(m.gloss, u.translation, code)
                        if plain:
                            why["translation as written"] += 1
                        elif stemmed:
                            why["translation after stripping"] += 1
                        else:
                            why["stem nowhere"] += 1
                            ok = False
            reach.append(ok)
            if seen:
                classes.append("unattested")
            elif not ok:
                classes.append("unseen-unreachable")
            else:
                classes.append(
                    "unseen-ambiguous" if track == 2 and ambiguous else "unseen-reachable"
                )
    return classes, reach, dict(why)


def self_consistency(train: Sequence[Utterance], track: int) -> tuple[int, int]:
    """Leave-one-out over train: tokens of forms seen elsewhere, and how many of them carry the
    most frequent gloss of the other tokens."""
    table: dict[str, Counter[str]] = {}
    for u in train:
        for w in u.words:
            table.setdefault(key(w, track), Counter())[word_gloss(w)] += 1
    seen = agree = 0
    for counter in table.values():
        total = sum(counter.values())
        if total < 2:
            continue
        for gloss, n in counter.items():
            for _ in range(n):
                rest = counter.copy()
                rest[gloss] -= 1
                top = max(rest.values())
                seen += 1
                # A tie counts as agreement only if this gloss is among the tied.
                agree += 1 if rest[gloss] == top else 0
    return seen, agree


def predictions(
    model_kind: str, code: str, track: int, train: Sequence[Utterance], dev: Sequence[Utterance]
) -> list[str]:
    task = "gloss" if track == 2 else "segment"
    model = api.train(
        task, model_kind, train, {}, progress=lambda _p: None, should_stop=lambda: False
    )
    preds = model.predict(blank(dev, task), top_k=1)
    out = []
    for u, p in zip(dev, preds, strict=True):
        for w, wp in zip(u.words, p["words"], strict=True):
            out.append(predicted_string(w, wp))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--langs", default="lez,usp")
    parser.add_argument("--tracks", default="2,1")
    parser.add_argument("--models", default="memory")
    args = parser.parse_args()
    kinds = args.models.split(",")
    print("| lang | track | words | " + " | ".join(CLASSES) + " |")
    print("|---|---|---|" + "---|" * len(CLASSES))
    detail: list[str] = []
    for code in args.langs.split(","):
        train = corpus(code, "train", 2)
        for track in (int(t) for t in args.tracks.split(",")):
            dev = corpus(code, "dev", track)
            classes, reach, why = classify(code, track, train, dev)
            counts = Counter(classes)
            n = len(classes)
            print(
                f"| {code} | {track} | {n} | " + " | ".join(f"{counts[c]}" for c in CLASSES) + " |"
            )
            seen, agree = self_consistency(train, track)
            detail.append(
                f"{code} track {track}: train self-consistency {100 * agree / seen:.1f}% of "
                f"{seen:,} repeated tokens; unseen morphs' golds: {why}"
            )
            golds = [word_gloss(w) for u in dev for w in u.words]
            for kind in kinds:
                preds = predictions(kind, code, track, train, dev)
                missed = [g != p for g, p in zip(golds, preds, strict=True)]
                wrong = Counter(c for c, m in zip(classes, missed, strict=True) if m)
                right = n - sum(wrong.values())
                inconsistent = wrong["minority"] + wrong["unattested"] + wrong["unseen-ambiguous"]
                reachable_miss = sum(1 for r in reach if not r)
                detail.append(
                    f"{code} track {track} {kind}: {100 * right / n:.1f} ({right}/{n}); wrong "
                    + ", ".join(f"{c} {wrong[c]}" for c in CLASSES)
                    + "; ceiling fixing all but minority, unattested and unseen-ambiguous "
                    f"{100 * (n - inconsistent) / n:.1f}; ceiling of a perfect chooser "
                    f"{100 * (n - reachable_miss) / n:.1f}; target {TARGET[(code, track)]:.0f}"
                )
                print(detail[-1], file=sys.stderr)
    print()
    for line in detail:
        print(f"* {line}")


if __name__ == "__main__":
    main()
