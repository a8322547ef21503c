"""The one owner of the RDF store.

``FIELDMARK_RDF_STORE`` is either a filesystem path, opened in this process with Oxigraph through
oxrdflib (one process only: Oxigraph locks its directory), or an http(s) URL of a SPARQL 1.1
endpoint with ``/query`` and ``/update`` (the Oxigraph server that ``make run`` starts for the web
process and the workers to share, or any production triple store).
"""

from __future__ import annotations

import os
import threading

import pyoxigraph as ox
from django.conf import settings
from oxrdflib import OxigraphStore
from rdflib import Dataset
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

_lock = threading.Lock()
_dataset: Dataset | None = None
_dataset_key: tuple[str, int] | None = None
# One Oxigraph handle per directory and process, kept for the process's life. Closing a Dataset
# does not release the directory while anything (a ``LocalStore``, a frame kept by a traceback)
# still holds the store, and opening the directory again in this process then fails on
# RocksDB's lock ("lock hold by current process"); so a reopen takes the handle already open.
_local_stores: dict[tuple[str, int], ox.Store] = {}


def store_location() -> str:
    return os.environ.get("FIELDMARK_RDF_STORE") or settings.FIELDMARK_RDF_STORE


def is_endpoint(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _open(location: str) -> Dataset:
    if is_endpoint(location):
        base = location.rstrip("/")
        store = SPARQLUpdateStore(
            query_endpoint=f"{base}/query", update_endpoint=f"{base}/update", timeout=10
        )
        return Dataset(store=store, default_union=True)
    os.makedirs(location, exist_ok=True)
    key = (os.path.realpath(location), os.getpid())
    handle = _local_stores.get(key)
    if handle is None:
        handle = _local_stores[key] = ox.Store(location)
    return Dataset(store=OxigraphStore(store=handle), default_union=True)


def get_dataset() -> Dataset:
    """Return the process-wide dataset (reopened after a fork)."""
    global _dataset, _dataset_key
    key = (store_location(), os.getpid())
    if _dataset is not None and _dataset_key == key:
        return _dataset
    with _lock:
        if _dataset is None or _dataset_key != key:
            _dataset = _open(key[0])
            _dataset_key = key
    return _dataset


def close() -> None:
    """Forget the dataset, so that the next ``get_dataset`` reads ``FIELDMARK_RDF_STORE`` again
    (an on-disk store's handle stays open for this process: see ``_local_stores``)."""
    global _dataset, _dataset_key
    with _lock:
        _dataset = None
        _dataset_key = None


def ping() -> None:
    result = get_dataset().query("ASK { }")
    if result.askAnswer is None:
        raise RuntimeError("the RDF store did not answer an ASK query")
