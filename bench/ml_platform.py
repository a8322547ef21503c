"""Platform figures of the models: training through the ``ml.train`` job, suggestion latency
through the endpoint's service, pre-annotation throughput, on the SIGMORPHON 2023 files.

    .venv/bin/python bench/ml_platform.py                          # memory model, Uspanteko
    BENCH_KINDS=memory,crf BENCH_LANG=Lezgi .venv/bin/python bench/ml_platform.py
    BENCH_LIMIT=3000 .venv/bin/python bench/ml_platform.py         # the first 3,000 only

Imports ``<lang>/*-train-track2-uncovered`` as a text (``mlworkers.corpus.import_corpus``, what
``manage.py ml_import_corpus`` does) and the dev file with its glosses left out; trains each
kind with ``training.start_training`` + the job run in this process (what a worker does:
snapshot, seeded split, train, held-out score, learning curve, store, register); then times
``serving.suggest`` for each dev utterance (what ``POST .../suggestions/`` calls) and
``suggestions.preannotate`` over the dev text. The model code's own figures (accuracy on dev
against the floor) are in ``bench/glossing.py``. Starts the embedded MongoDB-wire server in a temp
dir unless MONGO_URL is set, and uses a temp SQLite database.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

# Sets up Django: before any project import.
from bench.harness import bench_project, with_mongo  # noqa: E402

# isort: split

from annotations.linguistic_api import documents  # noqa: E402
from fieldmark.jobs.tasks import run_job  # noqa: E402
from mlworkers import corpus, registry, serving, suggestions, training  # noqa: E402
from mlworkers.models import ModelVersion  # noqa: E402

LANG = os.environ.get("BENCH_LANG", "Uspanteko")
KINDS = os.environ.get("BENCH_KINDS", "memory").split(",")
LIMIT = int(os.environ.get("BENCH_LIMIT", "0"))  # training utterances (0: the whole file)
DATA = Path(os.environ.get("FIELDMARK_SHARED_DIR", ROOT.parent / "shared")) / "data" / "glossing"


def files() -> tuple[Path, Path]:
    folder = DATA / LANG
    train = next(folder.glob("*-train-track2-uncovered"))
    dev = next(folder.glob("*-dev-track2-uncovered"))
    return train, dev


def run() -> None:
    owner, project = bench_project()
    train_file, dev_file = files()
    started = time.perf_counter()
    imported = corpus.import_corpus(owner, project, train_file, limit=LIMIT)
    import_s = time.perf_counter() - started
    dev = corpus.import_corpus(owner, project, dev_file, blank=("gloss",))
    dev_text = dev["texts"][0]
    print(f"{LANG}: imported {imported['utterances']:,} training utterances in {import_s:.1f} s, "
          f"{dev['utterances']:,} dev utterances without glosses")  # fmt: skip
    print()
    print("| kind | train job s | held-out word acc | suggest p50 ms | p95 ms | pre-annotate m/s |")
    print("|---|---|---|---|---|---|")
    dev_docs = list(documents.utterances.collection.find({"text": dev_text}, {"_id": 1}))
    for kind in KINDS:
        started = time.perf_counter()
        run_row = training.start_training(owner, project, "gloss", kind, {})
        assert run_row.job is not None
        run_job(str(run_row.job.id))
        train_s = time.perf_counter() - started
        version = ModelVersion.objects.get(run=run_row)
        registry.activate(project, version)
        serving.suggest(project, "gloss", {"utterance": dev_docs[0]["_id"]})  # load and cache
        times = []
        for doc in dev_docs:
            t0 = time.perf_counter()
            serving.suggest(project, "gloss", {"utterance": doc["_id"]})
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        t0 = time.perf_counter()
        result = suggestions.preannotate(project, "gloss", dev_text, version.pk, lambda f, m: None)
        pre_s = time.perf_counter() - t0
        accuracy = (version.metrics or {}).get("word_accuracy", 0.0)
        print(f"| {kind} | {train_s:.1f} | {accuracy * 100:.1f} | {p50:.2f} | {p95:.2f} | "
              f"{result['suggestions'] / pre_s:,.0f} |")  # fmt: skip


def main() -> None:
    with_mongo("fieldmark_bench_ml", run)


if __name__ == "__main__":
    main()
