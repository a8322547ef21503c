"""The one owner of the MongoDB client.

Everything that stores annotation documents asks this module for a collection; nothing else
builds a connection. Apps declare their indexes with :func:`register_indexes` in their
``documents`` module, and ``manage.py ensure_indexes`` creates them all.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from pymongo import DeleteOne, IndexModel, InsertOne, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import ClientBulkWriteException, InvalidOperation, OperationFailure
from pymongo.results import ClientBulkWriteResult

Document = dict[str, Any]

_lock = threading.Lock()
_client: MongoClient[Document] | None = None
_client_pid: int | None = None
_indexes: dict[str, list[IndexModel]] = {}


class MongoNotConfigured(RuntimeError):
    """No MONGO_URL is set and no embedded server was started for this process."""


def mongo_url() -> str:
    url = os.environ.get("MONGO_URL") or settings.MONGO_URL
    if not url:
        raise MongoNotConfigured(
            "MONGO_URL is not set: start the platform with `make run` (which starts the embedded "
            "server) or point MONGO_URL at a MongoDB server"
        )
    return url


def client_options() -> dict[str, Any]:
    """Timeouts from settings (docs/configuration.md), so an outage answers fast."""
    options: dict[str, Any] = {
        "serverSelectionTimeoutMS": settings.MONGO_TIMEOUT_MS,
        "connectTimeoutMS": settings.MONGO_CONNECT_TIMEOUT_MS,
        "socketTimeoutMS": settings.MONGO_SOCKET_TIMEOUT_MS,
        "tz_aware": True,
        "uuidRepresentation": "standard",
    }
    if settings.MONGO_OPERATION_TIMEOUT_MS:
        options["timeoutMS"] = settings.MONGO_OPERATION_TIMEOUT_MS
    return options


def get_client() -> MongoClient[Document]:
    """Return the process-wide client, creating it after a fork (Celery prefork workers)."""
    global _client, _client_pid
    pid = os.getpid()
    if _client is not None and _client_pid == pid:
        return _client
    with _lock:
        if _client is None or _client_pid != pid:
            _client = MongoClient(mongo_url(), **client_options())
            _client_pid = pid
    return _client


def reset_client() -> None:
    """Forget the client (tests that point MONGO_URL elsewhere, or shutdown)."""
    global _client, _client_pid
    with _lock:
        if _client is not None:
            _client.close()
        _client = None
        _client_pid = None


def get_db() -> Database[Document]:
    return get_client()[settings.MONGO_DB]


def collection(name: str) -> Collection[Document]:
    return get_db()[name]


def register_indexes(collection_name: str, indexes: list[IndexModel]) -> None:
    _indexes.setdefault(collection_name, []).extend(indexes)


def registered_indexes() -> Mapping[str, list[IndexModel]]:
    autodiscover_modules("documents")
    return _indexes


def ensure_indexes() -> dict[str, list[str]]:
    """Create every registered index and drop the ones no longer registered (the registry is
    the whole truth: a stale multikey index would tax every insert); returns the names kept."""
    created: dict[str, list[str]] = {}
    for name, indexes in registered_indexes().items():
        coll = collection(name)
        created[name] = coll.create_indexes(indexes) if indexes else []
        for stale in set(coll.index_information()) - {"_id_", *created[name]}:
            coll.drop_index(stale)
    return created


def ping() -> None:
    get_client().admin.command("ping")


def delete_project_documents(project_id: int) -> dict[str, int]:
    """Delete a project's documents from every registered collection; returns counts."""
    return {
        name: collection(name).delete_many({"project": project_id}).deleted_count
        for name in registered_indexes()
    }


# --- writes to several collections in one round trip ---------------------------------------------


@dataclass(frozen=True)
class Step:
    """One write of :func:`write_in_order`: ``op`` is ``insert`` (``doc``), ``update``
    (``filter``, ``update``, ``upsert``) or ``delete`` (``filter``, one document)."""

    collection: str
    op: str
    filter: Document = field(default_factory=dict)
    update: Document = field(default_factory=dict)
    doc: Document = field(default_factory=dict)
    upsert: bool = False


class StepFailed(Exception):
    """A step of :func:`write_in_order` failed; the steps before it were written, none after.
    ``duplicate``: it was a duplicate key (an insert the unique index refused)."""

    def __init__(self, index: int, code: int, message: str, done: list[int]) -> None:
        super().__init__(f"step {index} failed ({code}): {message}")
        self.index, self.code, self.done = index, code, done

    @property
    def duplicate(self) -> bool:
        return self.code in (11000, 11001)


# Whether the server speaks MongoDB 8.0's cross-collection ``bulkWrite`` (the embedded server
# does; production's MongoDB 7 does not): None until the first try.
_client_bulk: bool | None = None


def write_in_order(steps: list[Step]) -> list[int]:
    """Run ``steps`` in order, stopping at the first that fails (:class:`StepFailed`), in one
    round trip where the server has the cross-collection ``bulkWrite``, else one command a step.
    Returns per step how many documents it inserted, matched (or upserted) or deleted. One
    command per save instead of one per collection: the embedded server's cost is mostly per
    command."""
    global _client_bulk
    if not steps:
        return []
    if _client_bulk is not False:
        try:
            counts = _bulk_in_order(steps)
        except InvalidOperation as exc:  # refused before anything was sent
            if "8.0" not in str(exc):  # not the server's version: the driver's own refusal
                raise
            _client_bulk = False
        else:
            _client_bulk = True
            return counts
    done: list[int] = []
    for index, step in enumerate(steps):
        coll = collection(step.collection)
        try:
            if step.op == "insert":
                coll.insert_one(step.doc)
                done.append(1)
            elif step.op == "update":
                result = coll.update_one(step.filter, step.update, upsert=step.upsert)
                done.append(result.matched_count + (result.upserted_id is not None))
            else:
                done.append(coll.delete_one(step.filter).deleted_count)
        except OperationFailure as exc:
            raise StepFailed(index, int(exc.code or 0), str(exc), done) from exc
    return done


def _bulk_in_order(steps: list[Step]) -> list[int]:
    db = settings.MONGO_DB
    models: list[Any] = []
    for step in steps:
        namespace = f"{db}.{step.collection}"
        if step.op == "insert":
            models.append(InsertOne(step.doc, namespace=namespace))
        elif step.op == "update":
            models.append(UpdateOne(step.filter, step.update, upsert=step.upsert,
                                    namespace=namespace))  # fmt: skip
        else:
            models.append(DeleteOne(step.filter, namespace=namespace))
    try:
        result = get_client().bulk_write(models, ordered=True, verbose_results=True)
    except ClientBulkWriteException as exc:
        errors: list[Any] = list(exc.write_errors or [])
        if not errors:
            raise
        first: Mapping[str, Any] = errors[0]
        index = int(first.get("idx", 0))
        partial = exc.partial_result
        done = _counts(partial, index) if partial is not None else [0] * index
        raise StepFailed(
            index, int(first.get("code", 0)), str(first.get("errmsg", "")), done
        ) from exc
    return _counts(result, len(steps))


def _counts(result: ClientBulkWriteResult, count: int) -> list[int]:
    inserted, updated, deleted = result.insert_results, result.update_results, result.delete_results
    done = []
    for index in range(count):
        if index in inserted:
            done.append(1)
        elif index in updated:
            done.append(updated[index].matched_count + (updated[index].upserted_id is not None))
        else:
            done.append(deleted[index].deleted_count if index in deleted else 0)
    return done
