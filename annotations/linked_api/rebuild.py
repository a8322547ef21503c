"""Rebuilding a project's graph from MongoDB, so that a process killed at any moment leaves
nothing half-done.

:func:`rebuild` loads a staging graph ``<public>/r<ns>`` beside the live one, with resource
records tagged with that graph's generation beside the live graph's, and makes both live with
one pointer swap in the store (see :mod:`annotations.linked_api.store`). It holds a claim in
``rdf_sync_state`` that a thread stamps every ``REBUILD_BEAT_S``; syncs wait while the claim is
fresh. A claim not stamped for ``REBUILD_STALE_S`` is a dead rebuild: :func:`tidy` (run at every
rebuild's start) and :func:`recover` (the ``linked.rebuild`` job's cleanup) remove the graphs
and records it left. Kill points for tests: :func:`_checkpoint`.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from pyoxigraph import NamedNode, Triple

from annotations.linked_api import sync
from annotations.linked_api.store import GraphStore, get_store, staged
from annotations.linked_api.sync import (
    BATCH,
    KIND_OF,
    OUTBOX,
    RECORDS,
    SINGLETONS,
    STATE,
    Context,
    build,
    delete_in_chunks,
    drain,
    generation,
    iris_for,
    mode,
    record_gen,
    record_key,
    resource_record,
    schedule,
    with_texts,
)
from fieldmark.projects.models import Project
from fieldmark.storage import mongo

logger = logging.getLogger(__name__)

# Tests only: a directory where a file named after a kill point (see ``_checkpoint``) makes a
# rebuild stop there and wait to be killed. Read once; unset, each point costs one comparison.
PAUSE_DIR: Final = os.environ.get("FIELDMARK_RDF_TEST_PAUSE_DIR") or None


def all_docs(ctx: Context) -> Iterator[tuple[str, dict[str, Mapping[str, Any]]]]:
    """Every document of the project, kind by kind, 500 at a time from one cursor each."""
    for name, kind in KIND_OF.items():
        if kind in SINGLETONS:
            continue
        cursor = mongo.collection(name).find({"project": ctx.project.pk}).batch_size(BATCH)
        docs: dict[str, Mapping[str, Any]] = {}
        for doc in cursor:
            docs[str(doc["_id"])] = doc
            if len(docs) == BATCH:
                yield kind, with_texts(ctx, kind, docs)
                docs = {}
        if docs:
            yield kind, with_texts(ctx, kind, docs)


class RebuildRunning(RuntimeError):
    """Another rebuild of the project holds a live claim."""


def rebuild(project: Project, store: GraphStore | None = None, job: str | None = None) -> int:
    """Regenerate the project's graph from MongoDB; returns the number of triples.

    The new graph is loaded beside the live one (a staging graph) and made live by one small
    transaction (:meth:`GraphStore.swap`), so SPARQL readers see the old graph until then and
    the new one after, never a half one. The resource records of the new graph are written
    beside those of the live one (tagged with the new graph's :func:`generation`), so the swap
    makes both live at once: a process killed at any moment leaves the live graph with the
    records that describe it. Syncs wait while it runs (what is queued meanwhile is drained
    right after the swap); the old graph and its records are deleted after a grace period, in
    chunks. A rebuild holds a claim in ``rdf_sync_state`` that it stamps every
    ``sync.REBUILD_BEAT_S``; a claim not stamped for ``sync.REBUILD_STALE_S`` is a dead rebuild, and
    whatever it left (its graph, its records) is removed by the next rebuild or by
    :func:`recover` (the failed job's cleanup). Documents are read and mapped 500 at a time; the
    triples go to the store in bulk, ``FIELDMARK_RDF_REBUILD_CHUNK`` at a time (profiled: one
    Mongo query per utterance for its text, and one store write per 500 documents, were most of
    the time)."""
    store = store or get_store()
    ctx = Context(project, iris_for(project))
    public = ctx.iris.graph
    started = time.time()
    staging = NamedNode(f"{public.value}/r{time.time_ns()}")
    _claim(project.pk, staging, started, job)
    swapped = False
    try:
        with _Beat(project.pk, staging):
            tidy(project, store, staging)
            total = _load_graph(ctx, store, staging)
            _checkpoint("loaded")
            readers = bool(store.query("ASK { ?s ?p ?o }", public, 30.0))  # an old graph to read
            if not _holds(project.pk, staging):
                raise RebuildRunning(
                    f"This rebuild stopped stamping its claim for over {sync.REBUILD_STALE_S:.0f}"
                    " s and another one took over; its graph was discarded."
                )
            old = store.swap(public, staging)
            swapped = True
            _checkpoint("swapped")
            # Queued before the start: the documents read for the graph now live are at least
            # as new. (Kept until now: a rebuild killed before its swap leaves them queued for
            # the live graph.)
            delete_in_chunks(OUTBOX, {"project": project.pk, "at": {"$lt": started}})
    finally:
        if not swapped:
            store.drop(staging)
            _delete_records(project.pk, {generation(public, staging)}.__contains__)
        _release(project.pk, staging)
    drain(project, store=store)
    _delete_records(project.pk, {generation(public, old)}.__contains__)
    _checkpoint("drained")
    if readers:
        time.sleep(float(settings.FIELDMARK_RDF_SWAP_GRACE_S))
    store.drop(old)
    return total


def _claim(project_id: int, staging: NamedNode, now: float, job: str | None) -> None:
    state = mongo.collection(STATE)
    state.update_one({"_id": project_id}, {"$setOnInsert": {"queued": False}}, upsert=True)
    free = [
        {"rebuilding": None},
        {"rebuild_beat": None},
        {"rebuild_beat": {"$lt": now - sync.REBUILD_STALE_S}},
    ]
    claim = {"rebuilding": now, "rebuild_beat": now, "rebuild_graph": staging.value}
    taken = state.update_one(
        {"_id": project_id, "$or": free}, {"$set": {**claim, "rebuild_job": job}}
    )
    if not taken.matched_count:
        raise RebuildRunning("Another rebuild of this project's graph is running; try later.")


def _holds(project_id: int, staging: NamedNode) -> bool:
    found = mongo.collection(STATE).find_one(
        {"_id": project_id, "rebuild_graph": staging.value}, {"_id": 1}
    )
    return found is not None


def _release(project_id: int, staging: NamedNode) -> None:
    """Give up the claim, if it is still this rebuild's."""
    mongo.collection(STATE).update_one(
        {"_id": project_id, "rebuild_graph": staging.value},
        {"$unset": {"rebuilding": "", "rebuild_beat": "", "rebuild_graph": "", "rebuild_job": ""}},
    )


class _Beat:
    """Stamps a rebuild's claim every ``sync.REBUILD_BEAT_S`` from a thread while it runs."""

    def __init__(self, project_id: int, staging: NamedNode) -> None:
        self.project_id = project_id
        self.staging = staging.value
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="rebuild-beat", daemon=True)

    def _beat(self) -> None:
        state = mongo.collection(STATE)
        while not self._stop.wait(sync.REBUILD_BEAT_S):
            try:
                state.update_one(
                    {"_id": self.project_id, "rebuild_graph": self.staging},
                    {"$set": {"rebuild_beat": time.time()}},
                )
            except Exception:  # the next stamp tries again; a claim not stamped goes stale
                logger.exception("could not stamp the rebuild of project %s", self.project_id)

    def __enter__(self) -> _Beat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def tidy(project: Project, store: GraphStore, running: NamedNode | None = None) -> None:
    """Remove what dead rebuilds left: every rebuild graph of the project that is neither the
    live one nor ``running`` (the rebuild in progress), the public-named graph once a pointer
    names another, and the resource records of any other graph."""
    public = iris_for(project).graph
    live = store.live(public)
    keep = {live} if running is None else {live, running}
    for graph in store.graphs(public.value + "/r"):
        if graph not in keep and staged(graph):
            store.drop(graph)
    if live != public:
        store.drop(public)
    keep_gens = {generation(public, graph) for graph in keep}
    _delete_records(project.pk, lambda gen: gen not in keep_gens)


def recover(project: Project, job: str | None = None, store: GraphStore | None = None) -> bool:
    """After a rebuild died (its job failed, or its claim went stale): give up its claim so
    syncs go on, remove what it left, and queue a sync. ``job``: the failed job, whose claim is
    given up however fresh its stamp. Returns whether a claim was given up."""
    store = store or get_store()
    state = mongo.collection(STATE)
    found = state.find_one({"_id": project.pk}) or {}
    released = False
    graph = found.get("rebuild_graph")
    mine = job is not None and found.get("rebuild_job") == job
    if graph and (mine or not sync.claim_alive(found, time.time())):
        _release(project.pk, NamedNode(str(graph)))
        released = True
    found = state.find_one({"_id": project.pk}) or {}
    running = found.get("rebuild_graph") if sync.claim_alive(found, time.time()) else None
    tidy(project, store, NamedNode(str(running)) if running else None)
    if released and mode() == "task":
        schedule(project.pk, time.time())
    return released


def _checkpoint(name: str) -> None:
    """A named point of a rebuild where a test may stop it (and kill its process): with
    ``FIELDMARK_RDF_TEST_PAUSE_DIR`` set and a file ``name`` in it, the rebuild writes
    ``name.reached`` (its process id) there and waits."""
    if PAUSE_DIR is None:
        return
    if not (Path(PAUSE_DIR) / name).exists():
        return
    (Path(PAUSE_DIR) / f"{name}.reached").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        time.sleep(0.2)
    raise RuntimeError(f"the rebuild waited at {name!r} for 300 s and was not killed")


def _load_graph(ctx: Context, store: GraphStore, graph: NamedNode) -> int:
    """Map every document of the project into ``graph`` and record its resources (as records
    of ``graph``'s generation, beside those of the live graph)."""
    project = ctx.project
    gen = generation(ctx.iris.graph, graph)
    records = mongo.collection(RECORDS)
    chunk = int(settings.FIELDMARK_RDF_REBUILD_CHUNK)
    total = 0
    waiting: list[Triple] = []
    singletons: list[tuple[str, dict[str, Mapping[str, Any]]]] = [("lexicon", {}), ("schema", {})]
    for kind, docs in itertools.chain(singletons, all_docs(ctx)):
        triples: list[Triple] = []
        ops: list[Any] = []
        for doc_id in docs or [""]:
            built = build(kind, docs.get(doc_id), ctx)
            if built is None:
                continue
            fragments, foreign = built.owned()
            triples += built.triples
            record = resource_record(project.pk, gen, kind, doc_id, built, fragments, foreign)
            ops.append({"_id": record_key(project.pk, kind, doc_id, gen), **record})
        if ops:
            records.insert_many(ops, ordered=False)
        waiting += triples
        total += len(triples)
        if len(waiting) >= chunk:
            store.extend(graph, waiting)
            waiting = []
            _checkpoint("staged")
    store.extend(graph, waiting)
    return total


def _delete_records(project_id: int, doomed: Callable[[str], bool]) -> int:
    """Delete the project's resource records whose generation is ``doomed``."""
    return delete_in_chunks(
        RECORDS, {"project": project_id}, lambda record: doomed(record_gen(record)), {"gen": 1}
    )
