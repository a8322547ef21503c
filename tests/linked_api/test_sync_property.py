"""Incremental sync equals a rebuild: a random sequence of edits (create, update, revert,
delete, bulk gloss edit, import, text language change, an accepted machine POS with its
provenance), drained at random points, leaves the same graph as regenerating it from MongoDB."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.linguistic_api import documents, services
from annotations.linked_api import rebuild, sync
from fieldmark.storage import mongo
from tests.linked_api.conftest import graph_set

pytestmark = pytest.mark.django_db

GLOSSES = ("NOM", "ERG", "boy", "see.AOR")
TOOLBOX = b"\\t gada atana\n\\m gada atana\n\\g boy come.AOR\n\\l the boy came\n"
OPS = (
    "create", "update", "revert", "delete_text", "bulk", "import", "entry", "lang", "accept",
    "drain",
)  # fmt: skip
SOURCE = {"task": "pos", "model": 5, "version": 2, "run": "job-1", "probability": 0.5}


def _words(draw: Any) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 3))
    return [
        {
            "form": f"w{i}",
            "morphemes": [
                {
                    "form": f"m{i}{j}",
                    "gloss": draw(st.sampled_from(GLOSSES)),
                    "sep": "-" if j else "",
                }
                for j in range(draw(st.integers(1, 2)))
            ],
        }
        for i in range(n)
    ]


def _reset(project: Any, store: Any) -> None:
    for name in ("texts", "utterances", "lexicon", sync.OUTBOX, sync.RECORDS):
        mongo.collection(name).delete_many({"project": project.pk})
    store.store.clear()


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_incremental_graph_is_isomorphic_to_a_rebuild(
    team: Any, graph_store: Any, data: Any
) -> None:
    project, user = team.project, team.owner
    _reset(project, graph_store)
    texts = [services.create_text(user, project, {"title": "t0", "lang": "lez"})["_id"]]
    ops = data.draw(st.lists(st.sampled_from(OPS), min_size=4, max_size=12))
    for step, op in enumerate(ops):
        utts = list(
            documents.utterances.collection.find({"project": project.pk}, sort=[("_id", 1)])
        )
        if op == "create" or (op in ("update", "revert") and not utts):
            if not texts:
                texts.append(services.create_text(user, project, {"title": f"t{step}"})["_id"])
            text = data.draw(st.sampled_from(texts))
            services.create_utterance(user, project, text, {"words": _words(data.draw)})
        elif op == "update":
            utt = data.draw(st.sampled_from(utts))
            services.replace_utterance(
                user, project, utt["_id"], utt["version"], {"words": _words(data.draw)}
            )
        elif op == "revert":
            utt = data.draw(st.sampled_from(utts))
            if utt["version"] > 1:
                services.revert_utterance(user, project, utt["_id"], 1, utt["version"])
        elif op == "delete_text" and texts:
            text_id = texts.pop(data.draw(st.integers(0, len(texts) - 1)))
            current = documents.texts.get(project.pk, text_id)
            services.delete_text(user, project, text_id, current["version"])
        elif op == "bulk":
            services.replace_glosses(
                user, project, form=None, gloss=data.draw(st.sampled_from(GLOSSES)), to="GEN"
            )
        elif op == "import":
            services.import_file(
                project, lambda: io.BytesIO(TOOLBOX), "toolbox", "i.txt", f"job-{step}", "owner"
            )
            texts = [t["_id"] for t in documents.texts.collection.find({"project": project.pk})]
        elif op == "entry":
            services.create_entry(
                user,
                project,
                {"forms": {"lez": f"e{step}"}, "senses": [{"id": "s", "gloss": {"en": "x"}}]},
            )
        elif op == "lang" and texts:
            current = documents.texts.get(project.pk, texts[0])
            new = "lez" if current.get("lang") != "lez" else "agx"
            services.update_text(user, project, texts[0], current["version"], {"lang": new})
        elif op == "accept" and utts:  # a machine POS, with its provenance
            utt = data.draw(st.sampled_from(utts))
            label = services.Label(0, 0, "pos", data.draw(st.sampled_from(("N", "V"))), SOURCE)
            services.fill_empty_labels(user, project, {utt["_id"]: [label]}, expect={})
        elif op == "drain":
            sync.drain(project, batch=data.draw(st.integers(1, 5)))
    sync.drain(project)
    incremental = graph_set(graph_store, project)
    sync.drain(project)  # a replay of nothing changes nothing
    assert graph_set(graph_store, project) == incremental
    rebuild.rebuild(project)
    assert graph_set(graph_store, project) == incremental
