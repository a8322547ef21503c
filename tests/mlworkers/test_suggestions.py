"""Pre-annotation fills empty slots as suggestions with provenance, never touching an
utterance; accepting writes through the versioned services; feedback gives acceptance rates;
the active-learning queue ranks what the model is least sure of."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.linguistic_api import concordance, documents, services
from mlworkers.models import ModelVersion, SuggestionFeedback
from tests.linguistic_api.test_store_round_trips import (
    Commands,
    _plan,
    commands,  # noqa: F401 - a fixture
)
from tests.mlworkers.conftest import (
    BASE,
    SENTENCES,
    gloss_of,
    import_text,
    text_id,
    train,
    wait_job,
)

pytestmark = pytest.mark.django_db(transaction=True)


def new_utterances(team: Any) -> list[dict[str, Any]]:
    return list(
        documents.utterances.collection.find(
            {"project": team.project.pk, "text": text_id(team, "new")}, sort=[("order", 1)]
        )
    )


def glosses(doc: dict[str, Any]) -> list[str]:
    return [m.get("gloss", "") for w in doc["words"] for m in w.get("morphemes", [])]


def preannotate(client: Any, text: str | None) -> dict[str, Any]:
    response = client.post(
        f"{BASE}/suggestions/preannotate/", {"task": "gloss", "text": text}, format="json"
    )
    assert response.status_code == 202, response.content
    job = wait_job(response.json()["id"])
    assert job.state == "succeeded", job.error
    return dict(job.result)


def test_preannotate_then_bulk_accept_above_a_threshold(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)
    version = ModelVersion.objects.get(number=1)
    annotator = as_user(corpus.annotator)
    new = text_id(corpus, "new")
    # A person glosses one morpheme of the first new utterance before the machine comes
    first = new_utterances(corpus)[0]
    first["words"][0]["morphemes"][1]["gloss"] = "search"
    services.replace_utterance(corpus.annotator, corpus.project, first["_id"], 1, first)

    result = preannotate(annotator, new)

    assert result == {"utterances": 3, "suggestions": 11, "version": version.pk}
    stored = annotator.get(f"{BASE}/texts/{new}/suggestions/?task=gloss").json()
    assert len(stored) == 3
    by_utterance = {s["utterance"]: s for s in stored}
    items = by_utterance[first["_id"]]["items"]
    assert [(i["word"], i["morpheme"], i["label"], i["status"]) for i in items] == [
        (0, 0, "COM", "pending"),  # (0, 1) was typed by a person: no suggestion there
        (1, 0, "E3S", "pending"),
        (1, 1, "wife", "pending"),
        (1, 2, "NMLZ", "pending"),
    ]
    assert all(s["version"] == version.pk and s["version_number"] == 1 for s in stored)
    assert all(
        0 < i["p"] <= 1 and i["labels"][0]["label"] == i["label"]
        for s in stored
        for i in s["items"]
    )
    # Pre-annotation wrote no utterance
    assert [u["version"] for u in new_utterances(corpus)] == [2, 1, 1]
    assert glosses(new_utterances(corpus)[1]) == ["", "", ""]

    response = annotator.post(
        f"{BASE}/suggestions/bulk-accept/",
        {"task": "gloss", "threshold": 0.5, "text": new},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 11, "skipped": 0}
    after = new_utterances(corpus)
    assert [u["version"] for u in after] == [3, 2, 2]
    assert glosses(after[0]) == ["COM", "search", "E3S", "wife", "NMLZ"]  # "search" kept
    assert glosses(after[1]) == ["house", "E3S", "home"]
    assert glosses(after[2]) == ["COM", "look.for", "house", "PL"]
    history = services.utterance_history(corpus.project, after[1]["_id"])
    assert [h["version"] for h in history][:1] == [1]
    # The concordance sees the accepted glosses
    assert (
        after[2]["_id"] in concordance.lookup(corpus.project.pk, "gloss", "COM", "exact").utterances
    )
    feedback = SuggestionFeedback.objects.filter(version=version)
    assert feedback.count() == 11 and all(f.accepted for f in feedback)
    stored = annotator.get(f"{BASE}/texts/{new}/suggestions/").json()
    assert {i["status"] for s in stored for i in s["items"]} == {"accepted"}
    listed = annotator.get(f"{BASE}/models/versions/").json()["results"][0]
    assert listed["acceptance"] == {"total": 11, "accepted": 11, "rate": 1.0}


def test_one_by_one_feedback_gives_the_acceptance_rate(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)
    version = ModelVersion.objects.get(number=1)
    annotator = as_user(corpus.annotator)
    utt = new_utterances(corpus)[0]
    base = {"version": version.pk, "utterance": utt["_id"], "word": 0, "p": 0.9}

    accepted = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {**base, "morpheme": 0, "label": "COM", "accepted": True, "apply": True},
        format="json",
    )
    rejected = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {**base, "morpheme": 1, "label": "look.for", "accepted": False},
        format="json",
    )

    assert accepted.status_code == 201 and accepted.json() == {"accepted": True, "written": True}
    assert rejected.status_code == 201 and rejected.json() == {"accepted": False, "written": False}
    after = new_utterances(corpus)[0]
    assert after["version"] == 2 and glosses(after)[:2] == ["COM", ""]
    listed = annotator.get(f"{BASE}/models/versions/").json()["results"][0]
    assert listed["acceptance"] == {"total": 2, "accepted": 1, "rate": 0.5}
    # Applying to a field that is no longer empty writes nothing: 409
    again = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {**base, "morpheme": 0, "label": "X", "accepted": True, "apply": True},
        format="json",
    )
    assert again.status_code == 409 and again.json()["error"] == "slot_taken"
    assert new_utterances(corpus)[0]["version"] == 2
    assert SuggestionFeedback.objects.count() == 2


def test_viewer_cannot_accept(corpus: Any, celery_worker_session: Any, as_user: Any) -> None:
    train(as_user(corpus.manager), activate=True)
    utt = new_utterances(corpus)[0]

    response = as_user(corpus.viewer).post(
        f"{BASE}/suggestions/feedback/",
        {
            "version": ModelVersion.objects.get().pk,
            "utterance": utt["_id"],
            "word": 0,
            "morpheme": 0,
            "label": "COM",
            "p": 0.9,
            "accepted": True,
            "apply": True,
        },
        format="json",
    )

    assert response.status_code == 403
    assert new_utterances(corpus)[0]["version"] == 1
    assert SuggestionFeedback.objects.count() == 0


def test_gloss_next_queue_ranks_unsure_utterances_first(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)

    response = as_user(corpus.viewer).get(f"{BASE}/models/queue/?task=gloss&limit=5")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"]["number"] == 1
    assert body["scanned"] == 3  # only the utterances with empty glosses
    confidences = [r["confidence"] for r in body["results"]]
    assert confidences == sorted(confidences)
    assert {r["text"] for r in body["results"]} == {text_id(corpus, "new")}


def test_gloss_next_queue_by_margin_matches_the_suggestions_gaps(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)
    viewer, annotator = as_user(corpus.viewer), as_user(corpus.annotator)

    response = viewer.get(f"{BASE}/models/queue/?task=gloss&limit=5&by=margin")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["by"] == "margin" and body["scanned"] == 3
    # The gap between the first two labels of every slot, read from the suggestion endpoint
    # (top 2) and averaged here, independently of the queue's own arithmetic.
    expected = {}
    for row in body["results"]:
        answer = annotator.post(
            f"{BASE}/suggestions/",
            {"task": "gloss", "utterance": row["utterance"], "top_k": 2},
            format="json",
        ).json()
        gaps = []
        for word in answer["prediction"]["words"]:
            for slot in [m["labels"] for m in word["morphemes"]] + (
                [word["labels"]] if word["labels"] else []
            ):
                if slot:
                    gaps.append(slot[0]["p"] - (slot[1]["p"] if len(slot) > 1 else 0.0))
        expected[row["utterance"]] = sum(gaps) / len(gaps)
    assert [r["margin"] for r in body["results"]] == pytest.approx(
        [expected[r["utterance"]] for r in body["results"]]
    )
    margins = [r["margin"] for r in body["results"]]
    assert margins == sorted(margins)


def test_gloss_next_queue_refuses_an_unknown_uncertainty(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), activate=True)

    response = as_user(corpus.viewer).get(f"{BASE}/models/queue/?task=gloss&by=entropy")

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert "by" in response.json()["fields"]


def import_unsegmented(team: Any, name: str, lines: list[list[str]]) -> str:
    import io
    import json

    doc = {
        "id": name,
        "title": name,
        "utterances": [
            {
                "id": f"{name}-{i}",
                "order": i,
                "transcription": " ".join(words),
                "words": [{"form": w} for w in words],
            }
            for i, words in enumerate(lines)
        ],
    }
    raw = (json.dumps(doc) + "\n").encode()
    services.import_file(
        team.project, lambda: io.BytesIO(raw), "json", f"{name}.jsonl", f"t-{name}", "owner"
    )
    return text_id(team, name)


def stored_utterance(text: str, order: int) -> dict[str, Any]:
    doc = documents.utterances.collection.find_one({"text": text, "order": order})
    assert doc is not None
    return dict(doc)


def test_segmentation_is_preannotated_for_unsegmented_words_and_accepted_in_bulk(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), task="segment", kind="memory", activate=True)
    version = ModelVersion.objects.get(task="segment", number=1)
    annotator = as_user(corpus.annotator)
    raw = import_unsegmented(corpus, "raw", [["xtok", "rixoqiil", "."], ["jaab", "wi"]])
    # A person cuts "wi" first: the machine must leave that word alone.
    second = stored_utterance(raw, 1)
    second["words"][1]["morphemes"] = [{"form": "wi"}]
    services.replace_utterance(corpus.annotator, corpus.project, second["_id"], 1, second)

    response = annotator.post(
        f"{BASE}/suggestions/preannotate/", {"task": "segment", "text": raw}, format="json"
    )
    assert response.status_code == 202, response.content
    job = wait_job(response.json()["id"])
    assert job.state == "succeeded", job.error

    # Every training sentence cuts these forms one way (tests/mlworkers/conftest.py).
    assert job.result == {"utterances": 2, "suggestions": 3, "version": version.pk}
    stored = {s["utterance"]: s for s in annotator.get(f"{BASE}/texts/{raw}/suggestions/").json()}
    first = stored_utterance(raw, 0)
    items = stored[first["_id"]]["items"]
    assert [(i["word"], i["morpheme"], i["field"], i["label"]) for i in items] == [
        (0, None, "morphemes", "x-tok"),
        (1, None, "morphemes", "r-ixoq-iil"),
    ]
    assert items[0]["p"] == 1.0 and stored[first["_id"]]["version"] == version.pk
    assert [(i["word"], i["label"]) for i in stored[second["_id"]]["items"]] == [(0, "ja-ab")]
    assert first["version"] == 1  # pre-annotation wrote nothing into the utterance

    accepted = annotator.post(
        f"{BASE}/suggestions/bulk-accept/",
        {"task": "segment", "threshold": 0.5, "text": raw},
        format="json",
    )

    assert accepted.status_code == 200, accepted.content
    assert accepted.json() == {"accepted": 3, "skipped": 0}
    after = list(documents.utterances.collection.find({"text": raw}, sort=[("order", 1)]))
    assert [
        [m.get("sep", "") + m["form"] for m in w.get("morphemes", [])] for w in after[0]["words"]
    ] == [
        ["x", "-tok"],
        ["r", "-ixoq", "-iil"],
        [],
    ]
    assert [[m["form"] for m in w["morphemes"]] for w in after[1]["words"]] == [
        ["ja", "ab"],
        ["wi"],
    ]


def test_a_segmentation_accepted_one_by_one_is_recorded_and_applied(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    train(as_user(corpus.manager), task="segment", kind="memory", activate=True)
    version = ModelVersion.objects.get(task="segment", number=1)
    annotator = as_user(corpus.annotator)
    raw = import_unsegmented(corpus, "raw", [["xtok", "rixoqiil"]])
    first = stored_utterance(raw, 0)
    body = {"version": version.pk, "utterance": first["_id"], "word": 0, "morpheme": None,
            "field": "morphemes", "label": "x-tok", "p": 1.0}  # fmt: skip

    taken = annotator.post(
        f"{BASE}/suggestions/feedback/", {**body, "accepted": True, "apply": True}, format="json"
    )
    dismissed = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {**body, "word": 1, "label": "r-ixoq-iil", "accepted": False},
        format="json",
    )

    assert taken.status_code == 201, taken.content
    assert taken.json() == {"accepted": True, "written": True}
    assert dismissed.status_code == 201, dismissed.content
    after = stored_utterance(raw, 0)
    assert after["version"] == 2
    assert [[m.get("sep", "") + m["form"] for m in w.get("morphemes", [])]
            for w in after["words"]] == [["x", "-tok"], []]  # fmt: skip
    recorded = [(f.word, f.field, f.label, f.accepted)
                for f in SuggestionFeedback.objects.order_by("pk")]  # fmt: skip
    assert recorded == [(0, "morphemes", "x-tok", True), (1, "morphemes", "r-ixoq-iil", False)]


def test_whole_project_preannotation_reads_long_texts_in_windows(
    corpus: Any, team: Any, celery_worker_session: Any, as_user: Any
) -> None:
    # More utterances than one order window (200) of ``exports.utterance_docs``: the job reads
    # a text window by window, and the whole project text by text, none left out or twice.
    from tests.mlworkers.conftest import SENTENCES, import_text

    import_text(team, "long", [SENTENCES[i % len(SENTENCES)] for i in range(450)], glossed=False)
    train(as_user(corpus.manager), activate=True)
    version = ModelVersion.objects.get(number=1)
    docs = list(documents.utterances.collection.find({"project": team.project.pk}))
    empty = sum(1 for d in docs for w in d["words"] for m in w["morphemes"] if not m.get("gloss"))

    result = preannotate(as_user(corpus.annotator), None)

    assert len(docs) == 12 + 3 + 450
    assert result == {"utterances": 465, "suggestions": empty, "version": version.pk}
    long_ids = {d["_id"] for d in docs if d["text"] == text_id(corpus, "long")}
    stored = as_user(corpus.annotator).get(
        f"{BASE}/texts/{text_id(corpus, 'long')}/suggestions/?task=gloss"
    )
    assert stored.status_code == 200
    assert sorted(s["utterance"] for s in stored.json()) == sorted(long_ids)


def test_bulk_accept_reads_a_text_in_windows_and_accepts_each_suggestion_once(
    corpus: Any,
    celery_worker_session: Any,
    as_user: Any,
    settings: Any,
    commands: Commands,  # noqa: F811 - the fixture imported above
) -> None:
    from collections import Counter

    train(as_user(corpus.manager), activate=True)
    settings.FIELDMARK_SUGGESTION_BATCH = 2
    annotator = as_user(corpus.annotator)
    import_text(corpus, "many", SENTENCES[:7], glossed=False)
    many = text_id(corpus, "many")
    assert preannotate(annotator, many)["utterances"] == 7
    docs = list(documents.utterances.collection.find({"text": many}, sort=[("order", 1)]))
    # After pre-annotation a person types one slot, and rejects another suggestion
    typed = docs[2]
    typed["words"][0]["morphemes"][0]["gloss"] = "mine"
    services.replace_utterance(corpus.annotator, corpus.project, typed["_id"], 1, typed)
    version = ModelVersion.objects.get(task="gloss", number=1)
    rejected = annotator.post(
        f"{BASE}/suggestions/feedback/",
        {"version": version.pk, "utterance": docs[4]["_id"], "word": 1, "morpheme": 0,
         "label": gloss_of(SENTENCES[4][1][0]), "p": 1.0, "accepted": False},
        format="json",
    )  # fmt: skip
    assert rejected.status_code == 201, rejected.content
    slots = {
        (d["_id"], w, m): gloss_of(morph)
        for d, sentence in zip(docs, SENTENCES[:7], strict=True)
        for w, word in enumerate(sentence)
        for m, morph in enumerate(word)
    }
    wanted = set(slots) - {(typed["_id"], 0, 0), (docs[4]["_id"], 1, 0)}

    commands.on = True
    response = annotator.post(
        f"{BASE}/suggestions/bulk-accept/",
        {"task": "gloss", "threshold": 0.5, "text": many},
        format="json",
    )
    commands.on = False

    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": len(wanted), "skipped": 1}
    # The suggestions were read two utterances a query, by _id (and each marked by its _id)
    reads = [c for name, coll, c in commands.seen if (name, coll) == ("find", "ml_suggestions")]
    windows = [c["filter"]["_id"]["$in"] for c in reads if isinstance(c["filter"].get("_id"), dict)]
    assert [len(ids) for ids in windows] == [2, 2, 2, 1]
    marks = [c for name, coll, c in commands.seen if (name, coll) == ("update", "ml_suggestions")]
    assert sorted(c["updates"][0]["q"]["_id"] for c in marks) == sorted(
        f"gloss:{d['_id']}" for d in docs
    )
    assert sorted(i for ids in windows for i in ids) == sorted(f"gloss:{d['_id']}" for d in docs)
    assert {_plan("ml_suggestions", c) for c in reads} == {("ml_suggestions", "_id_")}
    after = list(documents.utterances.collection.find({"text": many}, sort=[("order", 1)]))
    assert [u["version"] for u in after] == [2, 2, 3, 2, 2, 2, 2]  # one write each
    filled = {
        (u["_id"], w, m): morph.get("gloss", "")
        for u in after
        for w, word in enumerate(u["words"])
        for m, morph in enumerate(word["morphemes"])
    }
    assert filled == {
        **slots,
        (typed["_id"], 0, 0): "mine",  # what the person typed stays
        (docs[4]["_id"], 1, 0): "",  # the rejected suggestion is not written
    }
    accepted = Counter(
        (f.utterance, f.word, f.morpheme) for f in SuggestionFeedback.objects.filter(accepted=True)
    )
    assert set(accepted) == wanted and set(accepted.values()) == {1}
    # A second bulk accept finds nothing left to accept
    again = annotator.post(
        f"{BASE}/suggestions/bulk-accept/",
        {"task": "gloss", "threshold": 0.5, "text": many},
        format="json",
    )
    assert again.json() == {"accepted": 0, "skipped": 1}
    assert SuggestionFeedback.objects.filter(accepted=True).count() == len(wanted)
    assert list(documents.utterances.collection.find({"text": many}, sort=[("order", 1)])) == after


def test_the_suggestions_of_one_task_are_read_from_the_text_index(
    corpus: Any,
    celery_worker_session: Any,
    as_user: Any,
    commands: Commands,  # noqa: F811 - the fixture imported above
) -> None:
    train(as_user(corpus.manager), activate=True)
    annotator = as_user(corpus.annotator)
    new = text_id(corpus, "new")
    preannotate(annotator, new)

    commands.on = True
    listed = annotator.get(f"{BASE}/texts/{new}/suggestions/?task=gloss").json()
    commands.on = False

    expected = sorted(u["_id"] for u in new_utterances(corpus))
    assert sorted(s["utterance"] for s in listed) == expected
    assert {s["task"] for s in listed} == {"gloss"}
    [read] = [c for name, coll, c in commands.seen if (name, coll) == ("find", "ml_suggestions")]
    assert _plan("ml_suggestions", read) == ("ml_suggestions", "project_1_text_1")
    assert annotator.get(f"{BASE}/texts/{new}/suggestions/?task=pos").json() == []
