"""The one owner of the RDF store.

``FIELDMARK_RDF_STORE`` is either a filesystem path, opened in this process with Oxigraph through
oxrdflib (one process only: Oxigraph locks its directory), or an http(s) URL of a SPARQL 1.1
endpoint with ``/query`` and ``/update`` (the Oxigraph server that ``make run`` starts for the web
process and the workers to share, or any production triple store).
"""

from __future__ import annotations

import os
import threading

from django.conf import settings
from rdflib import Dataset
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

_lock = threading.Lock()
_dataset: Dataset | None = None
_dataset_key: tuple[str, int] | None = None


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
    dataset = Dataset(store="Oxigraph", default_union=True)
    dataset.open(location)
    return dataset


def get_dataset() -> Dataset:
    """Return the process-wide dataset (reopened after a fork)."""
    global _dataset, _dataset_key
    key = (store_location(), os.getpid())
    if _dataset is not None and _dataset_key == key:
        return _dataset
    with _lock:
        if _dataset is None or _dataset_key != key:
            if _dataset is not None and _dataset_key and _dataset_key[1] == os.getpid():
                _dataset.close()
            _dataset = _open(key[0])
            _dataset_key = key
    return _dataset


def close() -> None:
    global _dataset, _dataset_key
    with _lock:
        if _dataset is not None:
            _dataset.close()
        _dataset = None
        _dataset_key = None


def ping() -> None:
    result = get_dataset().query("ASK { }")
    if result.askAnswer is None:
        raise RuntimeError("the RDF store did not answer an ASK query")
