"""Fixtures of the linked-data tests: the suite's on-disk Oxigraph store, emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def graph_store(mongo_db: Any) -> Iterator[Any]:
    from annotations.linked_api.store import LocalStore, get_store

    store = get_store()
    assert isinstance(store, LocalStore)
    store.store.clear()
    yield store
    store.store.clear()


def graph_set(store: Any, project: Any) -> set[str]:
    """The project's graph as a set of N-Triples lines (no blank nodes, so set equality is
    graph isomorphism)."""
    from annotations.linked_api import sync

    return {
        f"{t.subject} {t.predicate} {t.object} ."
        for t in store.triples(sync.iris_for(project).graph)
    }
