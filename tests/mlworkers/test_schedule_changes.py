"""A "changes" schedule's check counts the utterances changed since the task's last run exactly
up to its threshold and no further, from the ``(project, updated_at)`` index."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.linguistic_api import documents, services
from mlworkers import schedules
from mlworkers.models import Schedule, TrainingRun
from tests.linguistic_api.test_store_round_trips import (
    Commands,
    _plan,
    commands,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.django_db


def schedule(team: Any, min_changes: int) -> Schedule:
    return Schedule.objects.create(
        project=team.project, created_by=team.manager, task="gloss", kind="memory",
        trigger="changes", min_changes=min_changes,
    )  # fmt: skip


def change(team: Any, n: int) -> None:
    """A person glosses the first morpheme of ``n`` utterances of the text "new"."""
    docs = documents.utterances.collection.find(
        {"project": team.project.pk, "id": {"$in": [f"new-{i}" for i in range(n)]}}
    )
    for doc in docs:
        doc["words"][0]["morphemes"][0]["gloss"] = "COM"
        services.replace_utterance(team.annotator, team.project, doc["_id"], doc["version"], doc)


def test_the_count_is_exact_below_the_threshold_and_capped_at_it(
    corpus: Any,
    commands: Commands,  # noqa: F811 - the fixture imported above
) -> None:
    # Before any run every utterance counts (15), up to the threshold
    assert schedules.changes_since_last_run(schedule(corpus, 20)) == 15
    assert schedules.changes_since_last_run(schedule(corpus, 4)) == 4
    TrainingRun.objects.create(
        project=corpus.project, task="gloss", kind="memory", created_by=corpus.manager
    )
    # A run of another task does not reset the gloss count
    TrainingRun.objects.create(
        project=corpus.project, task="pos", kind="memory", created_by=corpus.manager
    )
    below, capped = schedule(corpus, 4), schedule(corpus, 2)
    assert [schedules.changes_since_last_run(s) for s in (below, capped)] == [0, 0]

    change(corpus, 2)

    commands.on = True
    counts = [schedules.changes_since_last_run(s) for s in (below, capped)]
    commands.on = False
    assert counts == [2, 2]
    change(corpus, 3)  # one more (the first two are as they were)
    assert [schedules.changes_since_last_run(s) for s in (below, capped)] == [3, 2]
    assert schedules.fire(schedule(corpus, 5).pk) == "3 of 5 changed utterances since the last run"
    # Each check is one count that stops at the threshold, on the index
    pipelines = [command["pipeline"] for name, _, command in commands.seen if name == "aggregate"]
    assert [p[1:2] for p in pipelines] == [[{"$limit": 4}], [{"$limit": 2}]]
    assert [_plan("utterances", {"filter": p[0]["$match"]}) for p in pipelines] == [
        ("utterances", "project_1_updated_at_1"),
        ("utterances", "project_1_updated_at_1"),
    ]
