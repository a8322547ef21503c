"""Interlinear corpus figures: import, concordance and streamed export of a 1M-morpheme project.

    .venv/bin/python bench/linguistic.py                 # ~5 min on 2 cores
    BENCH_UTTERANCES=10000 .venv/bin/python bench/linguistic.py   # a quick run

Writes a Toolbox (SIGMORPHON markers) file to a temp dir: 100 000 utterances of 5 words, each word a
stem and a suffix (1 000 000 morphemes), stems and glosses drawn from a 2 000-entry lexicon with a
Zipf-like distribution and suffixes from Leipzig grams. The import goes through the job's code
path, reading the file once (``services.import_file``: parse and check while a writer thread
inserts the batches under the job's stage, then the commit; the parse alone is timed apart);
concordance, saves and export call the services the views call (exact counts and the first page
of 20 utterances with their hits; ``replace_utterance``, what PUT does; and
``services.export_chunks``, which the export view streams). It starts the embedded MongoDB-wire
server in a temp dir unless MONGO_URL is set, and uses a temp SQLite database.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

# Sets up Django: before any project import.
from bench.harness import TMP, bench_project, with_mongo  # noqa: E402

# isort: split

from annotations.linguistic_api import documents, services  # noqa: E402
from bench.synthetic import GRAMS, MEANINGS, POS, WORDS, lexicon, toolbox_text  # noqa: E402
from fieldmark.projects.models import Project  # noqa: E402

UTTERANCES = int(os.environ.get("BENCH_UTTERANCES", "100000"))
QUERIES = 200


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Query = tuple[str, str, str, services.Mode]


def queries(rng: random.Random) -> list[Query]:
    lex = lexicon(random.Random(7))
    kinds: list[Callable[[], Query]] = [
        lambda: ("form exact", "form", rng.choice(lex[:300])[0], "exact"),
        lambda: ("gloss prefix", "gloss", rng.choice(MEANINGS)[:3], "prefix"),
        lambda: ("lemma", "lemma", rng.choice(lex)[0], "exact"),
        lambda: ("POS", "pos", rng.choice(POS), "exact"),
        lambda: ("regex", "gloss", f"^({rng.choice(GRAMS)}|{rng.choice(GRAMS)})$", "regex"),
    ]
    return [kinds[i % len(kinds)]() for i in range(QUERIES)]


def page_of_hits(project: Project, field: str, q: str, mode: services.Mode) -> tuple[int, int]:
    """What the concordance view does for page 1: the exact counts and the first 20 utterances
    with their hits. Returns (hits, utterances on the page)."""
    page = services.ConcordancePage(project, field, q, mode)
    return page.hits, len(page[0:20])


def measure_export(project: Project, fmt: str) -> tuple[float, int, float, float]:
    """Seconds, bytes, tracemalloc peak MB, RSS high-water MB of one streamed export. Timed
    with tracemalloc off (it slows allocation-heavy code several times); the peak comes from a
    second, untimed pass."""

    def drain() -> int:
        size = 0
        chunks: Iterator[str] = services.export_chunks(project, fmt)
        for chunk in chunks:
            size += len(chunk.encode())
        return size

    start = time.perf_counter()
    size = drain()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    drain()
    peak = tracemalloc.get_traced_memory()[1] / 1024**2
    tracemalloc.stop()
    return seconds, size, peak, rss_mb()


def main() -> None:
    # ``run`` is looked up when called: bench/rdf.py puts its own body in its place.
    with_mongo("fieldmark_bench", lambda: run())


def run() -> None:
    owner, project = bench_project()
    rows: list[tuple[str, str]] = []

    upload = TMP / "bench.txt"
    upload.write_bytes(toolbox_text(UTTERANCES))
    size_mb = upload.stat().st_size / 1024**2

    def open_upload() -> BinaryIO:
        return upload.open("rb")

    start = time.perf_counter()
    services.check_import(open_upload, "toolbox", "bench.txt")
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    counts = services.import_file(
        project, open_upload, "toolbox", "bench.txt", "bench-job", "bench"
    )
    import_s = time.perf_counter() - start
    morphemes = counts["utterances"] * WORDS * 2  # each generated word is a stem and a suffix
    rows += [
        ("corpus", f"{counts['utterances']:,} utterances, {morphemes:,} morphemes, "
                   f"{size_mb:.1f} MB Toolbox"),
        ("import (one pass: parse + staged insert_many + postings, commit)",
         f"{import_s:.1f} s (parse {parse_s:.1f} s): {counts['utterances'] / import_s:,.0f} utt/s, "
         f"{morphemes / import_s:,.0f} morphemes/s"),
    ]  # fmt: skip

    by_kind: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    for kind, field, q, mode in queries(random.Random(11)):
        start = time.perf_counter()
        count, _ = page_of_hits(project, field, q, mode)
        by_kind.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        found.setdefault(kind, []).append(count)
    every = sorted(ms for values in by_kind.values() for ms in values)
    for kind, values in [*by_kind.items(), ("all 200", every)]:
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        hits = found.get(kind)
        median_hits = f", median count {statistics.median(hits):,.0f}" if hits else ""
        rows.append(
            (f"concordance {kind} (page 1 + count)",
             f"p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms{median_hits}")
        )  # fmt: skip

    saves = []
    for doc in documents.utterances.find(project.pk, {}, limit=50, skip=UTTERANCES // 2):
        body = {key: doc[key] for key in ("order", "words", "translations") if key in doc}
        body["words"][0]["morphemes"][0]["gloss"] = "edited"
        start = time.perf_counter()
        services.replace_utterance(owner, project, doc["_id"], doc["version"], body)
        saves.append((time.perf_counter() - start) * 1000)
    saves.sort()
    rows.append(
        ("save one utterance (version check, history, postings)",
         f"p50 {statistics.median(saves):.0f} ms, p95 {saves[int(len(saves) * 0.95)]:.0f} ms")
    )  # fmt: skip

    for fmt in ("json", "csv"):
        seconds, size, peak, rss = measure_export(project, fmt)
        rows.append(
            (f"export {fmt} (streamed)",
             f"{seconds:.1f} s, {size / 1024**2:.0f} MB: {size / 1024**2 / seconds:.1f} MB/s, "
             f"{counts['utterances'] / seconds:,.0f} utt/s; tracemalloc peak {peak:.1f} MB, "
             f"RSS high-water {rss:.0f} MB")
        )  # fmt: skip

    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  result")
    print(f"{'-' * width}  {'-' * 40}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
