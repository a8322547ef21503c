"""Platform figures of the models: training through the ``ml.train`` job, suggestion latency
through the endpoint's service, pre-annotation throughput, on the SIGMORPHON 2023 files.

    .venv/bin/python bench/ml_platform.py                          # memory model, Uspanteko
    BENCH_KINDS=memory,crf BENCH_LANG=Lezgi .venv/bin/python bench/ml_platform.py
    BENCH_LIMIT=3000 .venv/bin/python bench/ml_platform.py         # the first 3,000 only
    BENCH_PREANNOTATE=100000 .venv/bin/python bench/ml_platform.py # + the 100k-utterance corpus

Imports ``<lang>/*-train-track2-uncovered`` as a text (``mlworkers.corpus.import_corpus``, what
``manage.py ml_import_corpus`` does) and the dev file with its glosses left out; trains each
kind with ``training.start_training`` + the job run in this process (what a worker does:
snapshot, seeded split, train, held-out score, learning curve, store, register); then times
``serving.suggest`` for each dev utterance (what ``POST .../suggestions/`` calls) and
``suggestions.preannotate`` over the dev text. With ``BENCH_PREANNOTATE=N`` it also imports the
synthetic corpus of ``bench/linguistic.py`` (``bench/synthetic.py``: N utterances of 10
morphemes, glosses left out) and pre-annotates it with each kind through the ``ml.preannotate``
job, run in this process as a worker runs it (``suggestions.start_preannotation`` then
``run_job``): morphemes/s over the whole corpus, the job's CPU time, the suggestion documents
written. The model code's own figures (accuracy on dev
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
from bench import harness  # noqa: E402
from bench.harness import TMP, bench_project, with_mongo  # noqa: E402

# isort: split

from django.contrib.auth.models import User  # noqa: E402

from annotations.linguistic_api import documents  # noqa: E402
from bench.synthetic import WORDS, toolbox_text  # noqa: E402
from fieldmark.jobs.models import Job  # noqa: E402
from fieldmark.jobs.tasks import run_job  # noqa: E402
from fieldmark.projects.models import Project  # noqa: E402
from mlworkers import corpus, registry, serving, suggestions, training  # noqa: E402
from mlworkers.models import ModelVersion  # noqa: E402

LANG = os.environ.get("BENCH_LANG", "Uspanteko")
KINDS = os.environ.get("BENCH_KINDS", "memory").split(",")
LIMIT = int(os.environ.get("BENCH_LIMIT", "0"))  # training utterances (0: the whole file)
PREANNOTATE = int(os.environ.get("BENCH_PREANNOTATE", "0"))  # synthetic utterances (0: none)
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
    dev_docs = list(documents.utterances.collection.find({"text": dev_text}, {"_id": 1}))
    print()
    print("| kind | train job s | held-out word acc | suggest p50 ms | p95 ms | pre-annotate m/s |")
    print("|---|---|---|---|---|---|", flush=True)
    versions = []
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
              f"{result['suggestions'] / pre_s:,.0f} |", flush=True)  # fmt: skip
        versions.append((kind, version))
    if PREANNOTATE:
        # Imported after training, so that the training jobs read only the glossed texts.
        path = TMP / "synthetic-track2"
        path.write_bytes(toolbox_text(PREANNOTATE))
        started = time.perf_counter()
        big = corpus.import_corpus(owner, project, path, blank=("gloss",))
        big_text = big["texts"][0]
        print()
        print(f"synthetic corpus: {big['utterances']:,} utterances, "
              f"{big['utterances'] * WORDS * 2:,} morphemes without glosses, imported in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        print()
        print("| kind | utterances | suggestions | job s | CPU s (job + store) | morphemes/s "
              "| per CPU s |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for kind, version in versions:
            registry.activate(project, version)
            r = preannotate_corpus(owner, project, big_text)
            cpu = r["cpu"] + r["store_cpu"]
            print(f"| {kind} | {r['utterances']:,.0f} | {r['suggestions']:,.0f} | "
                  f"{r['wall']:.1f} | {r['cpu']:.1f} + {r['store_cpu']:.1f} | "
                  f"{r['suggestions'] / r['wall']:,.0f} | "
                  f"{r['suggestions'] / cpu:,.0f} |", flush=True)  # fmt: skip


def preannotate_corpus(owner: User, project: Project, text: str) -> dict[str, float]:
    """The ``ml.preannotate`` job over one text, as a worker runs it; wall and CPU seconds.

    CPU: this process's (the job's own work) and the embedded store's, a child process."""
    job = suggestions.start_preannotation(owner, project, "gloss", text)
    started, started_cpu, started_store = time.perf_counter(), time.process_time(), store_cpu()
    run_job(str(job.id))
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    job = Job.objects.get(pk=job.pk)
    assert job.state == "succeeded", (job.state, job.error)
    result = job.result or {}
    return {
        "utterances": float(result["utterances"]),
        "suggestions": float(result["suggestions"]),
        "wall": wall,
        "cpu": cpu,
        "store_cpu": store_cpu() - started_store,
    }


def store_cpu() -> float:
    """CPU seconds the embedded store process has used so far (0 with an external MONGO_URL)."""
    server = harness.SERVER
    if server is None or server.process is None:
        return 0.0
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    with_mongo("fieldmark_bench_ml", run)


if __name__ == "__main__":
    main()
