"""A real prefork Celery worker (a subprocess on the test broker, database and store) is killed
with SIGKILL while it pre-annotates a text, some batches in. The job is failed (by the worker's
parent at once, or by the stale-job sweep when the whole worker died); no utterance changed;
every suggestion document is whole for its utterance, the killed run's a prefix of the text;
and a new run fills every empty slot, keeping the accepts and rejects made before."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations.linguistic_api import documents
from fieldmark.jobs import tasks
from fieldmark.jobs.models import Job
from mlworkers.documents import suggestions
from mlworkers.models import ModelVersion
from tests.linguistic_api.test_import_export import wait_finished
from tests.mlworkers.conftest import BASE, SENTENCES, import_text, text_id, train
from tests.mlworkers.test_suggestions import preannotate
from tests.subprocess_env import kill_worker, prefork_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
UTTERANCES = 2400
BATCH = 10  # the killed worker's FIELDMARK_SUGGESTION_BATCH


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """A prefork worker with one child, pre-annotating ``BATCH`` utterances a step, on a queue
    of its own (so the in-thread test worker cannot take the job)."""
    queue = f"prekill-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        FIELDMARK_RDF_STORE=str(tmp_path / "rdf"), FIELDMARK_SUGGESTION_BATCH=str(BATCH)
    )
    with prefork_worker(env, queue, tmp_path / "worker.log") as process:
        yield process, queue, tmp_path / "worker.log"


def utterances(text: str) -> list[dict[str, Any]]:
    return list(documents.utterances.collection.find({"text": text}, sort=[("order", 1)]))


def stored(text: str) -> dict[str, dict[str, Any]]:
    """The text's gloss suggestion documents by utterance."""
    return {d["utterance"]: d for d in suggestions().find({"text": text, "task": "gloss"})}


def slots(doc: dict[str, Any]) -> list[tuple[int, int]]:
    """Every morpheme of an utterance: an unglossed one has them all empty."""
    return [(w, m) for w, word in enumerate(doc["words"]) for m in range(len(word["morphemes"]))]


def decisions(text: str) -> dict[tuple[str, int, int], tuple[str, str]]:
    return {
        (d["utterance"], i["word"], i["morpheme"]): (i["status"], i["by"])
        for d in stored(text).values()
        for i in d["items"]
        if i["status"] != "pending"
    }


def assert_whole(text: str, runs: set[str]) -> dict[str, str]:
    """Each suggestion document names a run in ``runs``, was made for the utterance as it is,
    and has one item for each of its slots (the empty ones and those decided); returns the run
    of each utterance's document."""
    docs = stored(text)
    current = utterances(text)
    assert set(docs) == {u["_id"] for u in current}
    for utt in current:
        doc = docs[utt["_id"]]
        assert doc["run"] in runs and doc["utterance_version"] == utt["version"]
        assert sorted((i["word"], i["morpheme"]) for i in doc["items"]) == slots(utt)
    return {u: d["run"] for u, d in docs.items()}


def feedback(client: Any, version: int, utt: dict[str, Any], word: int, morpheme: int,
             accepted: bool, apply: bool = False) -> None:  # fmt: skip
    [item] = [
        i
        for i in stored(utt["text"])[utt["_id"]]["items"]
        if (i["word"], i["morpheme"]) == (word, morpheme)
    ]
    response = client.post(
        f"{BASE}/suggestions/feedback/",
        {"version": version, "utterance": utt["_id"], "word": word, "morpheme": morpheme,
         "label": item["label"], "p": item["p"], "accepted": accepted, "apply": apply},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("victim", ["pool child", "whole worker"])
def test_a_worker_killed_mid_preannotation_leaves_whole_suggestions_and_fails_the_job(
    corpus: Any,
    celery_worker_session: Any,
    as_user: Any,
    worker: tuple[subprocess.Popen[bytes], str, Path],
    settings: Any,
    victim: str,
) -> None:
    process, queue, log = worker
    train(as_user(corpus.manager), activate=True)
    version = ModelVersion.objects.get(task="gloss", number=1)
    annotator = as_user(corpus.annotator)
    sentences = [SENTENCES[i % len(SENTENCES)] for i in range(UTTERANCES)]
    import_text(corpus, "big", sentences, glossed=False)
    big = text_id(corpus, "big")
    # Given a first run over the text, and decisions on its suggestions at both ends of it
    first = preannotate(annotator, big)
    run1 = str(Job.objects.get(kind="ml.preannotate").id)
    total = sum(len(slots(u)) for u in utterances(big))
    assert first == {"utterances": UTTERANCES, "suggestions": total, "version": version.pk}
    head, second, last = utterances(big)[0], utterances(big)[1], utterances(big)[-1]
    feedback(annotator, version.pk, head, 0, 0, accepted=True, apply=True)
    feedback(annotator, version.pk, second, 1, 0, accepted=False)
    feedback(annotator, version.pk, last, 0, 0, accepted=True)
    feedback(annotator, version.pk, last, 0, 1, accepted=False)
    decided = decisions(big)
    assert decided == {
        (head["_id"], 0, 0): ("accepted", "annotator"),
        (second["_id"], 1, 0): ("rejected", "annotator"),
        (last["_id"], 0, 0): ("accepted", "annotator"),
        (last["_id"], 0, 1): ("rejected", "annotator"),
    }
    before = utterances(big)
    assert [u["version"] for u in before[:2]] == [2, 1]  # the accept with apply wrote one

    # ...and a second run on the killable worker, some batches in,
    job = Job.objects.create(
        project=corpus.project, kind="ml.preannotate", queue=queue, created_by=corpus.annotator,
        params={"task": "gloss", "text": big, "version": version.pk},
    )  # fmt: skip
    tasks.run_job.apply_async(args=(str(job.id),), queue=queue)
    wait_for(
        lambda: suggestions().count_documents({"run": str(job.id)}) >= 3 * BATCH,
        "the second run did not write three batches",
        log,
    )
    # when its worker is killed,
    # (the whole worker: then the sweep that beat runs every minute finds its heartbeat stopped)
    kill_worker(process, victim, settings)
    failed = wait_finished(str(job.id), timeout=60)

    assert failed.state == "failed" and failed.error["type"] == "WorkerLost"
    if victim == "pool child":
        assert "signal 9 (SIGKILL)" in failed.error["detail"]
    else:
        assert "stopped for over 1 s" in failed.error["detail"]
    assert failed.error["detail"].endswith(
        "; the suggestions it had stored stay, each complete; a new run fills the rest. "
        "Start it again."
    )
    assert (failed.result, failed.progress < 1.0) == (None, True)
    # No utterance changed, content or version
    assert utterances(big) == before
    # The killed run replaced whole batches from the start of the text, each document whole
    runs = assert_whole(big, {run1, str(job.id)})
    orders = sorted(u["order"] for u in before if runs[u["_id"]] == str(job.id))
    assert orders == list(range(len(orders)))
    assert len(orders) % BATCH == 0 and 3 * BATCH <= len(orders) < UTTERANCES
    assert decisions(big) == decided

    # A new run completes, fills every empty slot and keeps the decisions.
    third = preannotate(annotator, big)

    assert third == {"utterances": UTTERANCES, "suggestions": total - 4, "version": version.pk}
    [run3] = Job.objects.filter(kind="ml.preannotate").exclude(id__in=[run1, job.id])
    assert set(assert_whole(big, {str(run3.id)}).values()) == {str(run3.id)}
    assert decisions(big) == decided
    assert utterances(big) == before
