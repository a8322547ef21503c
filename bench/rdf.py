"""Linked-data figures: triples, rebuild, Turtle export beside pyoxigraph's own dump, sync lag
after a burst of edits, SPARQL concordance latency.

    .venv/bin/python bench/rdf.py                              # the 100k-utterance corpus
    BENCH_UTTERANCES=2000 BENCH_EDITS=300 .venv/bin/python bench/rdf.py   # a quick run

The corpus is bench/linguistic.py's (100 000 utterances of 5 words, each a stem and a suffix:
1 000 000 morphemes), imported through the services; the graph lives in an on-disk Oxigraph
store in a temp dir (what the tests use; ``make run`` uses the Oxigraph server instead).

* **rebuild**: ``rebuild.rebuild`` (every document mapped and bulk-loaded).
* **Turtle export**: ``services.export_stream``, what ``GET …/rdf/?format=turtle`` streams,
  beside ``Store.dump`` of the same graph (Oxigraph's writer with no Django around it).
* **sync lag**: a thread drains the outbox as the Celery task would; the main thread makes
  ``BENCH_EDITS`` gloss edits (``replace_utterance``, what PUT does) as fast as it can; each
  edit's lag is commit → the end of the drain that applied it (its triples answer SPARQL then;
  the last edit is checked with an ASK); what a drain applies is read from the outbox before it.
* **SPARQL concordance**: the query page's "Concordance of a gloss" worked example for each
  suffix gloss, through ``sparql.run_query`` (parse, dataset scoping, evaluation, 100 rows).
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from pathlib import Path

os.environ["FIELDMARK_RDF_SYNC"] = "manual"
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.linguistic sets up Django (temp var/, settings) on import: it must come first.
from bench import linguistic as corpus_bench  # noqa: E402
from bench import synthetic  # noqa: E402

# isort: split

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pyoxigraph import RdfFormat  # noqa: E402

from annotations.linguistic_api import documents, services  # noqa: E402
from annotations.linked.vocab import PREFIXES, worked_examples  # noqa: E402
from annotations.linked_api import rebuild, sparql, sync  # noqa: E402
from annotations.linked_api import services as linked  # noqa: E402
from annotations.linked_api.store import LocalStore, get_store  # noqa: E402
from fieldmark.projects import services as projects  # noqa: E402
from fieldmark.storage import mongo  # noqa: E402

UTTERANCES = corpus_bench.UTTERANCES
EDITS = int(os.environ.get("BENCH_EDITS", "1000"))


class ByteCount:
    """A writable that only counts what it is given."""

    size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def progress(what: str) -> None:
    """A phase line on stderr: the full-size run takes long enough to want to watch it."""
    print(
        f"[{time.strftime('%H:%M:%S')}] {what} (RSS high-water {corpus_bench.rss_mb():,.0f} MB)",
        file=sys.stderr,
        flush=True,
    )


def run() -> None:
    call_command("migrate", verbosity=0)
    mongo.ensure_indexes()
    owner = User.objects.create_user("bench", password="x")
    project = projects.create_project(owner, {"name": "Bench", "slug": "bench"})
    data = synthetic.toolbox_text(UTTERANCES)
    progress(f"importing {UTTERANCES:,} utterances")
    services.import_file(project, lambda: io.BytesIO(data), "toolbox", "b.txt", "bench", "bench")
    progress("imported; rebuilding")
    rows: list[tuple[str, str]] = []

    store = get_store()
    assert isinstance(store, LocalStore)
    graph = sync.iris_for(project).graph
    started = time.perf_counter()
    triples = rebuild.rebuild(project)
    rebuild_s = time.perf_counter() - started
    rows.append(("corpus", f"{UTTERANCES:,} utterances, {UTTERANCES * 10:,} morphemes"))
    rows.append(("triples", f"{triples:,}"))
    rows.append(("rebuild", f"{rebuild_s:.1f} s ({triples / rebuild_s:,.0f} triples/s)"))
    progress(f"rebuilt {triples:,} triples in {rebuild_s:.1f} s; exporting")

    started = time.perf_counter()
    size = sum(len(chunk) for chunk in linked.export_stream(project, "turtle"))
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    sink = ByteCount()  # ~90 bytes a triple: a 10M-triple dump would not fit in memory here
    # The rebuild's graph, which the public name's pointer names (docs/rdf.md, "Store and IRIs").
    store.store.dump(sink, RdfFormat.TURTLE, from_graph=store.live(graph), prefixes=PREFIXES)
    native = sink.size
    native_s = time.perf_counter() - started
    rows.append(
        (
            "Turtle export (streamed endpoint)",
            f"{export_s:.2f} s, {triples / export_s:,.0f} triples/s, {size / 1024**2:.0f} MB",
        )
    )
    rows.append(
        (
            "pyoxigraph Store.dump, same graph",
            f"{native_s:.2f} s, {triples / native_s:,.0f} triples/s, {native / 1024**2:.0f} MB",
        )
    )

    progress(f"exported in {export_s:.1f} s, dumped in {native_s:.1f} s; {EDITS:,} edits")
    utts = list(documents.utterances.collection.find({"project": project.pk}).limit(EDITS))
    committed: dict[str, float] = {}
    visible: dict[str, float] = {}
    stop = threading.Event()

    outbox = mongo.collection(sync.OUTBOX)

    def drainer() -> None:
        # An edit whose call has returned is queued; what is queued before a drain is in the
        # graph when it ends. `queued` also catches edits drained before their call returned.
        # An edit already drained is marked at the next poll: late by up to 50 ms, never early.
        while not stop.is_set():
            returned = list(committed)
            queued = [e["doc"] for e in outbox.find({"project": project.pk}, {"doc": 1})]
            if queued:
                sync.drain(project)
            now = time.perf_counter()
            for key in [*queued, *returned]:
                visible.setdefault(key, now)
            if not queued:
                # Polling faster starves the edits: both go through the one embedded server.
                time.sleep(0.05)

    thread = threading.Thread(target=drainer, daemon=True)
    thread.start()
    burst = time.perf_counter()
    for i, doc in enumerate(utts):
        words = doc["words"]
        words[0]["morphemes"][0]["gloss"] = f"EDIT{i}"
        services.replace_utterance(
            owner, project, doc["_id"], doc["version"], {**doc, "words": words}
        )
        committed[doc["_id"]] = time.perf_counter()
    burst_s = time.perf_counter() - burst
    deadline = time.perf_counter() + 600
    while len(visible) < len(committed) and time.perf_counter() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join()
    # An edit drained before its call returned counts as 0 (visible by the time it committed).
    lags = [max(0.0, visible[k] - committed[k]) for k in committed if k in visible]
    assert len(lags) == len(committed), f"{len(committed) - len(lags)} edits never became visible"
    last = f'ASK {{ ?m <http://purl.org/ligt/ligt-0.2#gloss> "EDIT{len(utts) - 1}" }}'
    seen = sparql.run_query(project, last).boolean
    rows.append(
        (
            f"sync lag, burst of {len(utts):,} edits ({len(utts) / burst_s:,.0f} edits/s)",
            f"p50 {pct(lags, 0.5) * 1000:,.0f} ms, p95 {pct(lags, 0.95) * 1000:,.0f} ms, "
            f"last edit in SPARQL: {seen}",
        )
    )

    progress("edits visible; concordance")
    template = worked_examples()[0]["query"]
    times = []
    for gram in synthetic.GRAMS * 3:
        started = time.perf_counter()
        answer = sparql.run_query(project, template.replace('"NOM"', f'"{gram}"'))
        times.append(time.perf_counter() - started)
        assert len(answer.rows) == 100 or UTTERANCES < 1000
    rows.append(
        (
            "SPARQL concordance of a gloss (100 rows)",
            f"p50 {pct(times, 0.5) * 1000:,.0f} ms, p95 {pct(times, 0.95) * 1000:,.0f} ms",
        )
    )

    width = max(len(name) for name, _ in rows)
    print(f"\nbench/rdf.py, {UTTERANCES:,} utterances (pessimistic on a shared machine)\n")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("\nFull size: .venv/bin/python bench/rdf.py  (BENCH_UTTERANCES=100000, BENCH_EDITS=1000)")


def main() -> None:
    corpus_bench.run = run  # the linguistic bench's server setup around this bench's body
    corpus_bench.main()


if __name__ == "__main__":
    main()
