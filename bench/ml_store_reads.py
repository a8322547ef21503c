"""Two reads of the models app on the embedded MongoDB-wire server, as they were and as they are:
the retraining schedule's "changes since the last run" count, and bulk accept's read of a text's
suggestion documents. Plain script on a fresh embedded store with ``BENCH_UTTERANCES`` (20 000)
utterance-like documents in one text and one suggestion document each.

    .venv/bin/python bench/ml_store_reads.py
    BENCH_UTTERANCES=100000 .venv/bin/python bench/ml_store_reads.py
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.collection import Collection
from pymongo.database import Database

from fieldmark.storage.embedded import free_port, mongo_server

N = int(os.environ.get("BENCH_UTTERANCES", "20000"))
WINDOW = 200  # exports.WINDOW and FIELDMARK_SUGGESTION_BATCH's default
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
WORD = {"form": "xtok", "morphemes": [{"form": "x"}, {"form": "tok"}]}
ITEM = {"word": 0, "morpheme": 0, "field": "gloss", "label": "COM", "p": 0.9,
        "labels": [{"label": "COM", "p": 0.9}] * 3, "status": "pending"}  # fmt: skip

Doc = dict[str, Any]


def fill(utterances: Collection[Doc], suggestions: Collection[Doc]) -> None:
    utterances.create_index([("project", ASCENDING), ("text", ASCENDING), ("order", ASCENDING)])
    utterances.create_index([("project", ASCENDING), ("_id", ASCENDING)])
    suggestions.create_index([("project", ASCENDING), ("text", ASCENDING)])
    for start in range(0, N, 5000):
        ids = range(start, min(N, start + 5000))
        utterances.insert_many(
            [{"_id": f"u{i}", "project": 1, "text": "a", "order": i, "words": [WORD] * 6,
              "updated_at": T0 + dt.timedelta(seconds=i)} for i in ids]
        )  # fmt: skip
        suggestions.insert_many(
            [{"_id": f"gloss:u{i}", "project": 1, "text": "a", "utterance": f"u{i}",
              "task": "gloss", "version": 1, "items": [ITEM] * 12} for i in ids]
        )  # fmt: skip


def best_count(utterances: Collection[Doc], since: dt.datetime, limit: int) -> tuple[int, float]:
    times, n = [], 0
    for _ in range(3):
        start = time.perf_counter()
        query = {"project": 1, "updated_at": {"$gt": since}}
        n = utterances.count_documents(query, **({"limit": limit} if limit else {}))
        times.append(time.perf_counter() - start)
    return n, min(times)


def counts(utterances: Collection[Doc]) -> None:
    few, every = T0 + dt.timedelta(seconds=N - 51), T0 - dt.timedelta(days=1)
    for label, since, limit in [("50 changed", few, 0), ("all changed", every, 0)]:
        n, seconds = best_count(utterances, since, limit)
        print(f"count, no index, {label}: {n} in {seconds:.3f} s (best of 3)", flush=True)
    utterances.create_index([("project", ASCENDING), ("updated_at", ASCENDING)])
    for label, since in [("50 changed", few), ("all changed", every)]:
        n, seconds = best_count(utterances, since, 50)
        print(f"count, index, limit 50, {label}: {n} in {seconds:.3f} s (best of 3)", flush=True)


def reads(utterances: Collection[Doc], suggestions: Collection[Doc]) -> None:
    start = time.perf_counter()
    cursor = suggestions.find({"project": 1, "task": "gloss", "text": "a"}, batch_size=WINDOW)
    next(cursor)
    first = time.perf_counter() - start
    n = 1 + sum(1 for _ in cursor)
    print(f"accept read, one find: {n} docs, first batch {first:.3f} s, "
          f"all {time.perf_counter() - start:.3f} s", flush=True)  # fmt: skip
    start, longest, n, low = time.perf_counter(), 0.0, 0, 0
    while True:
        step = time.perf_counter()
        window = {"project": 1, "text": "a", "order": {"$gte": low, "$lt": low + WINDOW}}
        ids = [d["_id"] for d in utterances.find(window, {"_id": 1}, sort=[("order", 1)])]
        if not ids:
            break
        n += len(list(suggestions.find({"_id": {"$in": [f"gloss:{i}" for i in ids]}})))
        low += WINDOW
        longest = max(longest, time.perf_counter() - step)
    print(f"accept read, windows of {WINDOW}: {n} docs, longest window {longest:.3f} s, "
          f"all {time.perf_counter() - start:.3f} s", flush=True)  # fmt: skip


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="fieldmark-bench-"))
    server = mongo_server(folder / "mongo", free_port(), folder / "mongo.log").start()
    try:
        db: Database[Doc] = MongoClient[Doc](server.url, tz_aware=True)["bench"]
        fill(db["utterances"], db["ml_suggestions"])
        print(f"{N} utterances and suggestion documents", flush=True)
        counts(db["utterances"])
        reads(db["utterances"], db["ml_suggestions"])
    finally:
        server.stop()


if __name__ == "__main__":
    main()
