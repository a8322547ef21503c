"""A rebuild killed with SIGKILL at any point leaves nothing half-done.

A real Celery worker (a subprocess on the test broker, database and MongoDB, and a second real
Oxigraph as a SPARQL server that both processes use) runs a ``linked.rebuild`` job; the rebuild
stops at a named point (``FIELDMARK_RDF_TEST_PAUSE_DIR``) and the pool child running it, or the
whole worker, is killed there. Then: the live graph has exactly the triples it had (killed before
the swap) or exactly the new ones (after it); the resource records describe the live graph, so an
edit synced afterwards removes the old triples of its document; syncs are not held up; the job is
failed, not left running; and no staging graph, old graph or stray record is left once the job's
cleanup or the next rebuild has run, while a rebuild still running is left alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pyoxigraph import NamedNode

from annotations.linguistic_api import documents
from annotations.linguistic_api import services as linguistic
from annotations.linked_api import rebuild, sync
from annotations.linked_api.store import POINTERS, RemoteStore
from fieldmark.jobs import tasks
from fieldmark.jobs.models import Job
from fieldmark.storage import mongo
from tests.linguistic_api.test_import_export import wait_finished
from tests.linked_api.conftest import graph_set, mapping, small_corpus
from tests.linked_api.test_remote_store import remote_store  # noqa: F401 - a fixture
from tests.subprocess_env import prefork_worker, wait_for, worker_env

RDFS_COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"


@pytest.fixture
def worker(
    remote_store: RemoteStore,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path, Path]]:
    """A prefork worker with one child on a queue of its own, on the same SPARQL server as the
    test, that hands the store 20 triples at a time (so a rebuild of the small corpus loads its
    staging graph in several steps) and stops at the kill points named in ``pause``."""
    queue = f"rdfkill-{uuid.uuid4().hex[:8]}"
    pause = tmp_path / "pause"
    pause.mkdir()
    env = worker_env(
        FIELDMARK_BASE_IRI=str(settings.FIELDMARK_BASE_IRI),
        FIELDMARK_RDF_STORE=remote_store.url,
        FIELDMARK_RDF_SYNC="manual",
        FIELDMARK_RDF_SWAP_GRACE_S="0",
        FIELDMARK_RDF_REBUILD_CHUNK="20",
        FIELDMARK_RDF_TEST_PAUSE_DIR=str(pause),
    )
    log = tmp_path / "worker.log"
    with prefork_worker(env, queue, log) as process:
        yield process, queue, pause, log


def named_graphs(store: RemoteStore) -> set[str]:
    return {row["g"].value for row in store._raw_query("SELECT ?g WHERE { GRAPH ?g { } }")}


def records(project: Any) -> list[dict[str, Any]]:
    return list(mongo.collection(sync.RECORDS).find({"project": project.pk}))


def described(project: Any, store: RemoteStore) -> set[str]:
    """The live graph as the records a sync reads (the live graph's generation) describe it:
    every triple of the subjects they own, and their exact triples."""
    owned: set[str] = set()
    lines: set[str] = set()
    for record in records(project):
        if sync.record_gen(record) != live_gen(project, store):
            continue
        owned |= {str(sync._subject(record["iri"], f)) for f in record["subjects"]}
        lines |= set(record["extras"])
    return lines | {line for line in graph_set(store, project) if line.split(" ", 1)[0] in owned}


def live_gen(project: Any, store: RemoteStore) -> str:
    public = sync.iris_for(project).graph
    return sync.generation(public, store.live(public))


def stray_records(project: Any, store: RemoteStore) -> list[str]:
    """Records that are not the live graph's."""
    gen = live_gen(project, store)
    return [r["_id"] for r in records(project) if sync.record_gen(r) != gen]


def edit_behind_the_sync(utterance_id: str) -> None:
    """Drop the utterance's second word and add a note in MongoDB alone: the graph still has the
    word (its subjects ``…#w1``, ``…#w1.m0``) and lacks the note until a sync or a rebuild."""
    collection = documents.utterances.collection
    doc = collection.find_one({"_id": utterance_id})
    assert doc is not None and len(doc["words"]) == 2
    collection.update_one(
        {"_id": utterance_id}, {"$set": {"words": doc["words"][:1], "notes": ["rebuilt"]}}
    )


def subject_lines(lines: set[str], subject: str) -> set[str]:
    return {line for line in lines if line.startswith(f"<{subject}> ")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("point", "victim", "rebuilt_before"),
    [
        ("staged", "pool child", False),  # a part of the staging graph and its records loaded
        ("loaded", "pool child", True),  # all loaded and recorded, not yet swapped
        ("loaded", "whole worker", False),  # the same, found dead by its stale stamp
        ("swapped", "pool child", False),  # the new graph live, nothing after the swap done
        ("drained", "pool child", True),  # the old graph and its records not yet deleted
    ],
)
def test_a_rebuild_killed_at_any_point_leaves_graph_and_records_consistent(
    team: Any,
    worker: tuple[subprocess.Popen[bytes], str, Path, Path],
    remote_store: RemoteStore,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    as_user: Any,
    point: str,
    victim: str,
    rebuilt_before: bool,
) -> None:
    process, queue, pause, log = worker
    project = team.project
    public = sync.iris_for(project).graph
    corpus = small_corpus(project, team.owner)
    if rebuilt_before:  # the live graph is then a rebuild's own graph, with its records
        rebuild.rebuild(project)
    old_live = remote_store.live(public)
    assert (old_live != public) == rebuilt_before
    utterance = corpus["utterances"][0]["_id"]
    node = sync.iris_for(project).of("utterance", utterance).value
    # Given an utterance edited behind the sync's back: the graph and MongoDB differ
    edit_behind_the_sync(utterance)
    before = graph_set(remote_store, project)
    new = mapping(project)
    assert subject_lines(before, f"{node}#w1") and not subject_lines(new, f"{node}#w1")
    assert len(new - before) == 1 and len(before - new) > 3  # the note; the word's triples
    assert described(project, remote_store) == before

    # When a rebuild job stops at the point and its process is killed there
    (pause / point).touch()
    job = Job.objects.create(
        project=project, kind="linked.rebuild", params={}, created_by=team.owner, queue=queue
    )
    tasks.run_job.apply_async(args=(str(job.id),), queue=queue)
    reached = pause / f"{point}.reached"
    wait_for(reached.exists, f"the rebuild did not reach {point!r}", log)
    assert sync.rebuilding(project.pk) == (point != "drained")  # (given up after the swap)
    [staging] = [g for g in remote_store.graphs(public.value + "/r") if g not in (old_live, public)]
    if point == "staged":
        # (the staging graph is part loaded) ...and while it runs, it is left alone: another
        # rebuild is refused, a sweep drops nothing, and syncs wait for it
        assert 0 < remote_store.count(staging) < len(new)
        with pytest.raises(rebuild.RebuildRunning):
            rebuild.rebuild(project)
        response = as_user(team.manager).post(f"/api/v1/projects/{project.slug}/rdf/rebuild/")
        assert (response.status_code, response.json()["error"]) == (409, "rebuild_running")
        assert Job.objects.filter(kind="linked.rebuild").count() == 1
        assert rebuild.recover(project) is False
        assert staging in remote_store.graphs(public.value + "/r")
        sync.mark(project.pk, [("utterance", utterance)])
        assert sync.drain(project) == 0
    if victim == "pool child":
        os.kill(int(reached.read_text()), signal.SIGKILL)
        failed = wait_finished(str(job.id), timeout=60)  # the worker's parent fails it at once
        assert "signal 9 (SIGKILL)" in failed.error["detail"]
    else:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        # The claim's stamp stops: after REBUILD_STALE_S (90 s; 1 s here) syncs go on, although
        # the job is still running and what the rebuild wrote is still there
        monkeypatch.setattr(sync, "REBUILD_STALE_S", 1.0)
        assert sync.rebuilding(project.pk)
        time.sleep(1.5)
        assert not sync.rebuilding(project.pk)
        assert Job.objects.get(pk=job.pk).state == "running"
        assert staging in remote_store.graphs(public.value + "/r")

    # Then the live graph is the old one, whole, or the new one, whole
    swapped = point in ("swapped", "drained")
    live = remote_store.live(public)
    assert live == (staging if swapped else old_live)
    assert graph_set(remote_store, project) == (new if swapped else before)
    if victim == "pool child":
        # and the failed job's cleanup left the live graph and its pointer, nothing else
        pointer = {POINTERS.value} if live != public else set()  # (none before a first swap)
        assert named_graphs(remote_store) == {live.value, *pointer}
        assert stray_records(project, remote_store) == []
        assert not sync.rebuilding(project.pk)
    # and the records are the live graph's: exactly what it holds
    assert described(project, remote_store) == graph_set(remote_store, project)

    # When the utterance is edited and synced (syncs are not held up)
    doc = documents.utterances.get(project.pk, utterance)
    doc["words"][0]["morphemes"][0]["gloss"] = "AFTER"
    linguistic.replace_utterance(team.owner, project, utterance, doc["version"], doc)
    assert sync.drain(project) >= 1
    # Then its old triples are gone, exactly: the graph is the mapping of the documents
    after = graph_set(remote_store, project)
    assert after == mapping(project)
    assert not subject_lines(after, f"{node}#w1") and not (before - new) & after
    assert len([line for line in after if RDFS_COMMENT in line]) == 1

    # When the next rebuild runs (and then, for the whole worker, the stale-job sweep)
    assert rebuild.rebuild(project) == len(after)
    if victim == "whole worker":
        settings.FIELDMARK_JOB_STALE_SECONDS = 1
        time.sleep(1.5)
        assert tasks.fail_stale_jobs() == 1
        failed = wait_finished(str(job.id), timeout=10)
    # Then nothing of the killed rebuild is left and the new graph is whole
    final = remote_store.live(public)
    assert final not in (public, old_live, staging)
    assert named_graphs(remote_store) == {final.value, POINTERS.value}
    assert graph_set(remote_store, project) == after
    assert described(project, remote_store) == after
    assert stray_records(project, remote_store) == []
    assert len(records(project)) == 1 + 2 + 2 + 1  # text, utterances, entries, the lexicon
    assert not sync.rebuilding(project.pk)
    # and the job is failed, saying why, not left running
    assert (failed.state, failed.error["type"]) == ("failed", "WorkerLost")
    assert Job.objects.filter(pk=job.pk, state="running").count() == 0


def test_graph_variables_name_the_public_graph_after_a_rebuild(
    team: Any,
    remote_store: RemoteStore,  # noqa: F811 - the fixture imported above
) -> None:
    from annotations.linked_api import sparql

    project = team.project
    small_corpus(project, team.owner)
    rebuild.rebuild(project)
    public = sync.iris_for(project).graph
    assert remote_store.live(public) != public
    answer = sparql.run_query(project, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert answer.rows == [[public]]
    triples = sparql.run_query(
        project,
        "CONSTRUCT { ?g <http://example.org/holds> ?s } WHERE { GRAPH ?g { ?s a ?t } } LIMIT 1",
    ).triples
    assert [t.subject for t in triples] == [NamedNode(public.value)]
