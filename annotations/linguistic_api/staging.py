"""Imports staged under their job and committed at once: all or nothing, across process death.

An import reads its file once. While it reads, its utterances and their concordance postings are
written (from a thread, overlapping the parse) into the project, but under texts that do not
exist yet, and the import's ``import_stages`` document lists those texts: every reader of
utterances or postings leaves the texts of pending imports out (:mod:`.pending`). Lexicon
entries wait in a temporary file. Once the whole file has been read
without a problem, :func:`commit` inserts the entries and the text documents (with their
utterance counts) and deletes the stage document: that single delete is the moment the import
becomes visible. A file with problems, an error, a killed worker: :func:`discard` deletes what
the stage document lists (by text, through the indexes that reads use anyway); it is the import
job's cleanup, which the worker's parent or the stale-job sweep runs when the worker died.

Why not stage under another ``project`` value and rewrite it at the commit: the embedded
MongoDB-wire server updates in time that grows faster than the number of documents (4,000
utterances: 12 s against 4.5 s to insert them), so a commit by update would cost more than the
import. Inserting the few text documents last costs nothing extra.
"""

from __future__ import annotations

import contextlib
import queue
import struct
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, Any

import bson

from annotations.linguistic_api import concordance, documents, pending
from fieldmark.storage.versioned import Doc

# Batches waiting for the writer thread: parsing runs at most this far ahead (bounded memory).
QUEUE_DEPTH = 2
# Text ids per query when removing a discarded import.
ID_CHUNK = 500
stages = pending.stages


# --- writing ---------------------------------------------------------------------------------


class Writer:
    """Runs write calls in order on one thread, at most ``QUEUE_DEPTH`` behind the caller. An
    error in a write is raised to the caller at its next :meth:`put` or at :meth:`close`."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.Queue(maxsize=QUEUE_DEPTH)
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (task := self._queue.get()) is not None:
            if self._error is None:
                try:
                    task[0](*task[1])
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, call: Callable[..., Any], *args: Any) -> None:
        self._raise()
        self._queue.put((call, args))

    def close(self) -> None:
        """Wait for every queued write; raise the first error."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise()

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        # An error is already on its way up: stop writing, and let that first error go on.
        with contextlib.suppress(BaseException):
            self.close()


class Spool:
    """Documents kept in a temporary file until the commit (lexicon entries have no text to
    hide behind), so memory holds none of them."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="fieldmark-import-")  # noqa: SIM115
        self.count = 0

    def add(self, docs: Iterable[Doc]) -> None:
        for doc in docs:
            data = bson.encode(doc)
            self._file.write(struct.pack("<I", len(data)) + data)
            self.count += 1

    def __iter__(self) -> Iterator[Doc]:
        self._file.seek(0)
        while head := self._file.read(4):
            (size,) = struct.unpack("<I", head)
            yield bson.decode(self._file.read(size))

    def close(self) -> None:
        self._file.close()


def _register_texts(job_id: str, text_ids: list[str]) -> None:
    stages().update_one({"_id": job_id}, {"$push": {"texts": {"$each": text_ids}}})


class Stage:
    """One import's writes: :meth:`add` each batch, :meth:`finish`, then :func:`commit`."""

    def __init__(self, project_id: int, job_id: str, user: str, writer: Writer) -> None:
        self.project_id, self.job_id, self.user = project_id, job_id, user
        self.writer = writer
        self.postings = concordance.Builder(project_id, job_id, write=self._post)
        self.counts = {"texts": 0, "utterances": 0, "entries": 0}
        self.texts: list[Doc] = []
        self.per_text: dict[str, int] = {}
        self.entries = Spool()
        stages().insert_one({"_id": job_id, "project": project_id, "texts": [], "entries": False})

    def _post(self, buckets: list[Doc]) -> None:
        self.writer.put(concordance.insert_buckets, buckets)

    def add(self, texts: list[Doc], utterances: list[Doc], entries: list[Doc]) -> None:
        if texts:
            # Listed before any of their utterances is written (the writer keeps the order).
            self.writer.put(_register_texts, self.job_id, [text["_id"] for text in texts])
            self.texts.extend(texts)
            self.per_text.update((text["_id"], 0) for text in texts)
        for utt in utterances:
            self.per_text[utt["text"]] += 1
        if utterances:
            write = documents.utterances.insert_many
            self.writer.put(write, self.project_id, utterances, self.user)
            self.postings.add(utterances)
        self.entries.add(entries)
        self.counts["utterances"] += len(utterances)
        self.counts["entries"] += len(entries)

    def finish(self) -> None:
        """Write the last postings and wait for every write."""
        self.postings.flush()
        self.writer.close()


def commit(stage: Stage, *, may_commit: Callable[[], bool] = lambda: True) -> bool:
    """Make a fully written import visible; False (nothing shown) if ``may_commit`` says the
    job was given up meanwhile (failed by a sweep)."""
    if not may_commit():
        return False
    if stage.entries.count:
        stages().update_one({"_id": stage.job_id}, {"$set": {"entries": True}})
        stage.counts["entries"] = documents.lexicon.insert_many(
            stage.project_id, stage.entries, stage.user
        )
    stage.entries.close()
    for text in stage.texts:
        text["utterance_count"] = stage.per_text[text["_id"]]
    stage.counts["texts"] = documents.texts.insert_many(stage.project_id, stage.texts, stage.user)
    stages().delete_one({"_id": stage.job_id})  # the commit point
    return True


def discard(project_id: int, job_id: str) -> None:
    """Delete whatever an import wrote that has not committed. Safe to run more than once, and
    for a job that wrote nothing or has committed (then it does nothing)."""
    stage = stages().find_one({"_id": job_id})
    if stage is None:
        return
    texts = list(stage.get("texts", ()))
    for start in range(0, len(texts), ID_CHUNK):
        ids = texts[start : start + ID_CHUNK]
        documents.utterances.collection.delete_many({"project": project_id, "text": {"$in": ids}})
        concordance.postings().delete_many({"project": project_id, "text": {"$in": ids}})
        documents.texts.collection.delete_many({"project": project_id, "_id": {"$in": ids}})
    if stage.get("entries"):
        # Only when a commit was cut short while inserting entries (rare): by ``import_job``.
        documents.lexicon.collection.delete_many({"project": project_id, "import_job": job_id})
    stages().delete_one({"_id": job_id})


def write(
    project_id: int,
    batches: Iterable[Any],
    user: str,
    job_id: str,
    *,
    may_commit: Callable[[], bool] = lambda: True,
) -> dict[str, int] | None:
    """Write every batch (``texts``, ``utterances``, ``entries`` lists) hidden, then commit; on
    any error, or if the job was given up, discard what was written. None when not committed."""
    discard(project_id, job_id)  # a re-delivered job starts clean
    try:
        with Writer() as writer:
            stage = Stage(project_id, job_id, user, writer)
            for batch in batches:
                stage.add(batch.texts, batch.utterances, batch.entries)
            stage.finish()
        if not commit(stage, may_commit=may_commit):
            discard(project_id, job_id)
            return None
    except BaseException:
        # BaseException: a worker stopped by a signal or time limit must not leave half a file.
        discard(project_id, job_id)
        raise
    return stage.counts
