"""Gloss, POS and segmentation models on the SIGMORPHON 2023 glossing data (Lezgi, Uspanteko).

    .venv/bin/python bench/glossing.py                          # memory + CRF, both languages
    .venv/bin/python bench/glossing.py --langs usp --models memory
    .venv/bin/python bench/glossing.py --models memory,crf,transformer --encoder PATH
    .venv/bin/python bench/glossing.py --models transformer --device cuda   # on a GPU worker

Train on train, score on dev (read from ../shared/data/glossing, never copied: CC BY-NC).
Track 2 (segmentation given): the gloss models on the segmented dev words. Track 1 (unsegmented):
the segment models, which suggest segmentation and glosses together, on the dev transcription.
Every model trains on the segmented (track 2) train file, the annotations a project holds.
For each: word and morpheme accuracy (SIGMORPHON 2023), stems vs grams, training time, the
latency of one utterance's suggestions (p50/p95 over the dev utterances), and prediction
throughput in morphemes/s. The floor section checks the memory baseline against the issue's
figures. Without ``--encoder`` the transformer row uses a small BERT built from a config with
random weights (no downloads): it shows the code path and its cost, not what a pretrained
encoder reaches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from mlworkers.core import api  # noqa: E402
from mlworkers.core.data import Utterance, read_sigmorphon  # noqa: E402
from mlworkers.core.metrics import blank, gold_string, score_strings  # noqa: E402

DATA = (
    Path(__import__("os").environ.get("FIELDMARK_SHARED_DIR", str(ROOT.parent / "shared")))
    / "data"
    / "glossing"
)
LANGS = {"lez": "Lezgi", "usp": "Uspanteko"}
ISSUE_FLOOR = {("lez", 2): 86.0, ("usp", 2): 80.5, ("lez", 1): 79.4, ("usp", 1): 74.5}
TARGET = {("lez", 2): 90.0, ("usp", 2): 87.0, ("lez", 1): 83.0, ("usp", 1): 83.0}


def corpus(code: str, split: str, track: int) -> list[Utterance]:
    return read_sigmorphon(DATA / LANGS[code] / f"{code}-{split}-track{track}-uncovered")


def tiny_encoder(folder: Path) -> Path:
    """A small BERT from a config, random weights, a character WordPiece vocabulary."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    chars: set[str] = set()
    for code in LANGS:
        for u in corpus(code, "train", 2):
            for w in u.words:
                for m in w.morphemes:
                    chars.update(m.form.lower())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    ordered = sorted(chars)
    vocab = specials + ordered + ["##" + c for c in ordered]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=256,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(str(folder), safe_serialization=True)
    return folder


def latency(model: api.Model, utterances: Sequence[Utterance]) -> tuple[float, float, float]:
    """Wall-clock p50/p95 of one utterance's suggestions, and the p95 of the CPU time it used
    (the CPU figure is what an idle core would take; wall time includes waiting on others)."""
    times = []
    cpu = []
    for u in utterances:
        start, start_cpu = time.perf_counter(), time.thread_time()
        model.predict([u], top_k=3)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    times.sort()
    cpu.sort()
    at = min(len(times) - 1, int(len(times) * 0.95))
    return statistics.median(times), times[at], cpu[at]


def throughput(model: api.Model, utterances: Sequence[Utterance], task: str) -> float:
    given = blank(utterances, task)
    morphs = sum(max(1, len(w.morphemes)) for u in utterances for w in u.words)
    start = time.perf_counter()
    model.predict(given, top_k=1)
    return morphs / (time.perf_counter() - start)


def row(
    lang: str,
    track: int,
    task: str,
    kind: str,
    train: Sequence[Utterance],
    dev: Sequence[Utterance],
    params: dict[str, Any],
    device: str,
) -> dict[str, Any]:
    start = time.perf_counter()
    model = api.train(
        task,
        kind,
        train,
        params,
        progress=lambda _p: None,
        should_stop=lambda: False,
        device=device,
    )
    seconds = time.perf_counter() - start
    scores = api.evaluate(model, dev)
    p50, p95, p95_cpu = latency(model, blank(dev, task))
    return {
        "lang": lang,
        "track": track,
        "model": f"{task}/{kind}",
        "word": 100 * scores["word_accuracy"],
        "morph": 100 * scores["morpheme_accuracy"],
        "stems": 100 * scores["stems"]["accuracy"],
        "grams": 100 * scores["grams"]["accuracy"],
        "train_s": seconds,
        "p50": p50,
        "p95": p95,
        "p95_cpu": p95_cpu,
        "mps": throughput(model, dev, task),
        "target": TARGET[(lang, track)],
    }


def floor_check(code: str) -> list[str]:
    """The memory floor counted several ways, to see which reproduces the issue's figures."""
    lines = []
    for track in (2, 1):
        dev = corpus(code, "dev", track)
        for source in (2, 1) if track == 1 else (2,):
            train = corpus(code, "train", source)
            for lowercase in (False, True):
                model = api.train(
                    "gloss",
                    "memory",
                    train,
                    {"lowercase": lowercase},
                    progress=lambda _p: None,
                    should_stop=lambda: False,
                )
                preds = model.predict(blank(dev, "gloss"), top_k=1)
                pairs = []
                pairs_np = []
                for u, p in zip(dev, preds, strict=True):
                    for w, wp in zip(u.words, p["words"], strict=True):
                        from mlworkers.core.metrics import predicted_string

                        pair = (gold_string(w, "gloss"), predicted_string(w, wp))
                        pairs.append(pair)
                        if any(ch.isalnum() for ch in w.form):
                            pairs_np.append(pair)
                all_words = 100 * score_strings(pairs)["word_accuracy"]
                no_punct = 100 * score_strings(pairs_np)["word_accuracy"]
                lines.append(
                    f"| {code} | {track} | track{source} train | "
                    f"{'lowercased' if lowercase else 'as written'} | {all_words:.1f} | "
                    f"{no_punct:.1f} | {ISSUE_FLOOR[(code, track)]:.1f} |"
                )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--langs", default="lez,usp")
    parser.add_argument("--tracks", default="2,1")
    parser.add_argument("--models", default="memory,crf")
    parser.add_argument("--encoder", default="")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args()
    kinds = args.models.split(",")
    rows = []
    encoder = args.encoder
    if "transformer" in kinds and not encoder:
        encoder = str(tiny_encoder(Path(tempfile.mkdtemp(prefix="fieldmark-encoder-"))))
    for code in args.langs.split(","):
        train = corpus(code, "train", 2)
        for track in (int(t) for t in args.tracks.split(",")):
            dev = corpus(code, "dev", track)
            task = "gloss" if track == 2 else "segment"
            for kind in kinds:
                if kind not in api.KINDS[task]:
                    continue
                params: dict[str, Any] = {}
                if kind == "transformer":
                    params = {
                        "encoder": encoder,
                        "epochs": args.epochs,
                        "learning_rate": 1e-3,
                        "batch_size": 32,
                    }
                r = row(code, track, task, kind, train, dev, params, args.device)
                rows.append(r)
                print(
                    f"  {code} track {track} {task}/{kind}: word {r['word']:.1f}, "
                    f"train {r['train_s']:.1f}s, p95 {r['p95']:.1f} ms",
                    file=sys.stderr,
                )
    print(
        "| lang | track | model | word acc | morph acc | stems | grams | train s | "
        "p50 ms | p95 ms | p95 CPU ms | morphs/s | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['lang']} | {r['track']} | {r['model']} | {r['word']:.1f} | {r['morph']:.1f} | "
            f"{r['stems']:.1f} | {r['grams']:.1f} | {r['train_s']:.1f} | {r['p50']:.2f} | "
            f"{r['p95']:.2f} | {r['p95_cpu']:.2f} | {r['mps']:,.0f} | {r['target']:.0f} |"
        )
    if not args.no_floor:
        print()
        print("Memory floor (gloss/memory), word accuracy on dev:")
        print()
        print("| lang | track | trained on | forms | all words | without punctuation | issue |")
        print("|---|---|---|---|---|---|---|")
        for code in args.langs.split(","):
            for line in floor_check(code):
                print(line)


if __name__ == "__main__":
    main()
