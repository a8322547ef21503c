"""The one owner of the MongoDB client.

Everything that stores annotation documents asks this module for a collection; nothing else
builds a connection. Apps declare their indexes with :func:`register_indexes` in their
``documents`` module, and ``manage.py ensure_indexes`` creates them all.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from pymongo import IndexModel, MongoClient
from pymongo.collection import Collection
from pymongo.database import Database

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
