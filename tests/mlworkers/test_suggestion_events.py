"""Pre-annotation on the worker sends one event with the suggestions it stored, as
GET .../texts/<id>/suggestions/ serves them, so an open editor shows them without asking."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mlworkers.conftest import BASE, text_id, train
from tests.mlworkers.test_suggestions import preannotate
from tests.realtime_log import events_since, mark, only

pytestmark = pytest.mark.django_db(transaction=True)


def test_preannotation_sends_the_suggestions_it_stored(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)
    annotator = as_user(corpus.annotator)
    new = text_id(corpus, "new")
    since = mark(corpus.viewer)

    result = preannotate(annotator, new)

    [event] = only(events_since(corpus.viewer, since), "ml.suggestions.created")
    stored = annotator.get(f"{BASE}/texts/{new}/suggestions/?task=gloss").json()
    assert (event["task"], event["text"], event["count"]) == ("gloss", new, result["suggestions"])
    assert len(stored) == 3
    assert sorted((d["utterance"], d["id"]) for d in event["documents"]) == sorted(
        (s["utterance"], f"gloss:{s['utterance']}") for s in stored
    )
    by_utterance = {d["utterance"]: d["data"] for d in event["documents"]}
    assert by_utterance == {s["utterance"]: s for s in stored}
    assert sum(len(s["items"]) for s in stored) == result["suggestions"]
