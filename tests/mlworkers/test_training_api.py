"""Train, register, activate and serve through the API and a real Celery worker; bad input is
a 4xx naming the field, with nothing created."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fieldmark.jobs.models import Job
from mlworkers.models import ModelVersion, TrainingRun
from tests.mlworkers.conftest import BASE, import_text, train

pytestmark = pytest.mark.django_db(transaction=True)


def registry_state() -> dict[str, list[Any]]:
    return {
        "runs": list(TrainingRun.objects.order_by("pk").values()),
        "versions": list(ModelVersion.objects.order_by("pk").values()),
        "jobs": list(Job.objects.order_by("pk").values()),
    }


def test_manager_trains_a_gloss_model_that_then_serves_suggestions(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    manager = as_user(corpus.manager)

    run = train(manager, "gloss", "memory", activate=True)

    assert run["state"] == "succeeded"
    assert run["counts"]["utterances"] == 12  # the 3 unglossed utterances are not training data
    assert (run["counts"]["train"], run["counts"]["heldout"]) == (11, 1)
    assert len(run["heldout"]) == 1 and len(run["utterances"]) == 12
    assert all(version == 1 for _id, version in run["utterances"])
    assert run["data_hash"] and run["device"] == "cpu"
    assert run["job"]["queue"] == "train" and run["job"]["state"] == "succeeded"
    assert set(run["durations"]) >= {"load", "train", "evaluate", "save", "total"}
    assert run["history"], "the trainer's progress is kept on the run"
    assert 0.0 <= run["metrics"]["word_accuracy"] <= 1.0

    versions = manager.get(f"{BASE}/models/versions/").json()["results"]
    assert [(v["task"], v["number"], v["status"], v["source"]) for v in versions] == [
        ("gloss", 1, "active", "trained")
    ]
    assert versions[0]["run"] == run["id"] and versions[0]["trained_by"] == "manager"
    plots = manager.get(f"{BASE}/models/versions/{versions[0]['id']}/plots/").json()
    assert set(plots["confusion"]) >= {"labels", "matrix"}
    assert len(plots["learning_curve"]) == 4

    # An annotator asks for suggestions for two words of posted morphemes
    annotator = as_user(corpus.annotator)
    response = annotator.post(
        f"{BASE}/suggestions/",
        {
            "task": "gloss",
            "words": [
                {"form": "xtok", "morphemes": ["x", "tok"]},
                {"form": "rja", "morphemes": ["r", "ja"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"]["number"] == 1 and body["version"]["kind"] == "memory"
    tops = [m["labels"][0]["label"] for w in body["prediction"]["words"] for m in w["morphemes"]]
    assert tops == ["COM", "look.for", "E3S", "house"]
    assert all(
        0.0 < m["labels"][0]["p"] <= 1.0
        for w in body["prediction"]["words"]
        for m in w["morphemes"]
    )


def test_suggestions_for_a_stored_utterance(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    from annotations.linguistic_api import documents

    train(as_user(corpus.manager), activate=True)
    stored = documents.utterances.collection.find_one({"project": corpus.project.pk, "id": "new-0"})
    assert stored is not None

    response = as_user(corpus.annotator).post(
        f"{BASE}/suggestions/",
        {"task": "gloss", "utterance": stored["_id"], "top_k": 2},
        format="json",
    )

    assert response.status_code == 200, response.content
    words = response.json()["prediction"]["words"]
    assert [w["form"] for w in words] == ["xtok", "rixoqiil"]
    assert [m["labels"][0]["label"] for m in words[1]["morphemes"]] == ["E3S", "wife", "NMLZ"]
    assert all(len(m["labels"]) <= 2 for w in words for m in w["morphemes"])


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"task": "sentiment", "kind": "memory"}, "unknown_task", "task"),
        ({"task": "gloss", "kind": "svm"}, "unknown_kind", "kind"),
        (
            {"task": "gloss", "kind": "memory", "params": {"seed": -1}},
            "invalid_params",
            "params.seed",
        ),
        (
            {"task": "gloss", "kind": "memory", "params": {"heldout": 0.9}},
            "invalid_params",
            "params.heldout",
        ),
        ({"task": "gloss", "kind": "crf", "params": {"c1": -5}}, "invalid_params", "params"),
        ({"task": "gloss"}, "invalid", "kind"),
    ],
)
def test_bad_training_requests_are_400_naming_the_field_and_create_nothing(
    corpus: Any, as_user: Any, body: dict[str, Any], code: str, field: str
) -> None:
    before = registry_state()

    response = as_user(corpus.manager).post(f"{BASE}/models/runs/", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert field in response.json()["fields"]
    assert registry_state() == before


def test_too_few_labelled_utterances_is_a_clear_400(team: Any, mongo_db: Any, as_user: Any) -> None:
    from tests.mlworkers.conftest import SENTENCES

    import_text(team, "tiny", SENTENCES[:3])
    before = registry_state()

    response = as_user(team.manager).post(
        f"{BASE}/models/runs/", {"task": "gloss", "kind": "memory"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "too_few_labelled"
    assert response.json()["detail"] == (
        "Training a gloss model needs at least 5 utterances with gloss labels; the project has 3."
    )
    assert registry_state() == before


@pytest.mark.parametrize("role", ["viewer", "annotator"])
def test_only_managers_train(corpus: Any, as_user: Any, role: str) -> None:
    before = registry_state()

    response = as_user(corpus.users[role]).post(
        f"{BASE}/models/runs/", {"task": "gloss", "kind": "memory"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert registry_state() == before


def test_suggestions_without_an_active_model_are_409(corpus: Any, as_user: Any) -> None:
    response = as_user(corpus.annotator).post(
        f"{BASE}/suggestions/", {"task": "gloss", "morphemes": ["x", "tok"]}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"] == "no_active_model"
    assert response.json()["fields"] == {
        "task": ["The project has no active gloss model: train or import one and activate it."]
    }


def test_activate_and_roll_back(corpus: Any, celery_worker_session: Any, as_user: Any) -> None:
    manager = as_user(corpus.manager)
    train(manager, activate=True)
    train(manager, params={"seed": 7})
    v1, v2 = (ModelVersion.objects.get(number=n) for n in (1, 2))
    assert (v1.status, v2.status) == ("active", "candidate")

    activated = manager.post(f"{BASE}/models/versions/{v2.pk}/activate/").json()
    assert activated["status"] == "active"
    assert ModelVersion.objects.get(pk=v1.pk).status == "retired"
    served = (
        as_user(corpus.annotator)
        .post(f"{BASE}/suggestions/", {"morphemes": ["x"]}, format="json")
        .json()
    )
    assert served["version"]["number"] == 2  # the cached model was replaced

    rolled = manager.post(f"{BASE}/models/versions/rollback/", {"task": "gloss"}, format="json")
    assert rolled.status_code == 200 and rolled.json()["number"] == 1
    assert [ModelVersion.objects.get(pk=p).status for p in (v1.pk, v2.pk)] == [
        "active",
        "candidate",
    ]
    again = manager.post(f"{BASE}/models/versions/rollback/", {"task": "gloss"}, format="json")
    assert again.status_code == 400 and again.json()["error"] == "nothing_to_roll_back"


def test_deleting_the_project_removes_its_model_files(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    from django.core.files.storage import default_storage

    from fieldmark.projects import services as projects

    train(as_user(corpus.manager))
    version = ModelVersion.objects.get()
    files = [version.artifact + name for name in version.summary["files"]]
    assert files and all(default_storage.exists(f) for f in files)

    projects.delete_project(corpus.owner, corpus.project)

    assert not any(default_storage.exists(f) for f in files)
    assert ModelVersion.objects.count() == 0 and TrainingRun.objects.count() == 0


def test_the_labelled_count_of_a_request_stops_once_there_are_enough(
    team: Any, mongo_db: Any
) -> None:
    from mlworkers import training
    from mlworkers.tasks_registry import get_task

    # Given a task whose corpus is read in the store's order, 3 items of 8 unlabelled
    read: list[int] = []

    def scan(_project: Any) -> Any:
        for n in range(8):
            read.append(n)
            yield n

    handler = dataclasses.replace(
        get_task("gloss"), scan_items=scan, labelled=lambda n: int(n % 3 != 0)
    )

    # When a request asks for at least 4 labelled items
    found = training.count_labelled(handler, team.project, 4)

    # Then it read only up to the fourth labelled one (items 1, 2, 4, 5), and gives an exact
    # count when there are too few
    assert (found, read) == (4, [0, 1, 2, 3, 4, 5])
    read.clear()
    assert training.count_labelled(handler, team.project, 9) == 5 and len(read) == 8
