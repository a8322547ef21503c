"""Fixtures of the linked-data tests: the suite's on-disk Oxigraph store, emptied per test."""

from __future__ import annotations

import itertools
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


def mapping(project: Any) -> set[str]:
    """The project's graph as the mapping makes it from MongoDB now, built without a store or
    records: what a graph in step with the documents holds."""
    from annotations.linked_api import rebuild, sync

    ctx = sync.Context(project, sync.iris_for(project))
    singletons: list[tuple[str, dict[str, Any]]] = [("lexicon", {}), ("schema", {})]
    lines: set[str] = set()
    for kind, docs in itertools.chain(singletons, rebuild.all_docs(ctx)):
        for doc_id in docs or [""]:
            built = sync.build(kind, docs.get(doc_id), ctx)
            if built is not None:
                lines |= {f"{t.subject} {t.predicate} {t.object} ." for t in built.triples}
    return lines


def small_corpus(project: Any, user: Any, gloss: str = "NOM") -> dict[str, Any]:
    """One text of two glossed utterances and a two-entry lexicon, synced to the graph."""
    from annotations.linguistic_api import services
    from annotations.linked_api import sync

    text = services.create_text(user, project, {"title": "Story", "lang": "lez"})
    utterances = [
        services.create_utterance(
            user,
            project,
            text["_id"],
            {
                "transcription": f"gada {n}",
                "translations": {"en": f"the boy {n}"},
                "words": [
                    {"form": "gada", "morphemes": [
                        {"form": "gada", "gloss": "boy", "lemma": "e-gada"},
                        {"form": "-di", "gloss": gloss, "sep": "-"},
                    ]},
                    {"form": "atana", "morphemes": [{"form": "atana", "gloss": "come.AOR"}]},
                ],
            },
        )
        for n in range(2)
    ]  # fmt: skip
    entries = [
        services.create_entry(
            user, project, {"id": "e-gada", "forms": {"lez": "gada"},
                            "senses": [{"id": "s1", "gloss": {"en": "boy"}}]},
        ),
        services.create_entry(user, project, {"id": "e-empty", "forms": {"lez": "ruš"}}),
    ]  # fmt: skip
    sync.drain(project)
    return {"text": text, "utterances": utterances, "entries": entries}
