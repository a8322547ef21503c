"""The concordance postings stay exactly what a rebuild from the utterances would give, through
every kind of write, and answer with exact counts."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from annotations.linguistic_api import concordance, documents, services, staging
from fieldmark.projects import services as projects

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"


def postings_of(project_id: int) -> Counter[tuple[str, str, str, str]]:
    """Every (text, field, value, entry) held, as a multiset (buckets are an implementation
    detail: the same entries may be cut into buckets differently)."""
    held: Counter[tuple[str, str, str, str]] = Counter()
    for bucket in concordance.postings().find({"project": project_id}):
        for entry in bucket["e"]:
            held[bucket["text"], bucket["field"], bucket["value"], entry] += 1
    return held


def rebuilt(project: Any) -> Counter[tuple[str, str, str, str]]:
    services.reindex_concordance(project)
    return postings_of(project.pk)


def word(form: str, *morphs: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "form": form,
        "morphemes": [
            {"form": f, "gloss": g, "pos": p, **({"sep": "-"} if i else {})}
            for i, (f, g, p) in enumerate(morphs)
        ],
    }


def test_postings_follow_creates_edits_reverts_bulk_updates_and_deletes(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "Story"}, format="json").json()
    other = as_user(team.manager).post(f"{BASE}/texts/", {"title": "Other"}, format="json").json()
    made = [
        client.post(
            f"{BASE}/texts/{tid}/utterances/",
            {"words": [word("kitab-ar", ("kitab", "book", "N"), ("ar", "PL", "NSUF"))],
             "translations": {"en": f"Books {i}"}},
            format="json",
        ).json()
        for i, tid in enumerate([text["id"], text["id"], other["id"]])
    ]  # fmt: skip
    edited = client.put(
        f"{BASE}/utterances/{made[0]['id']}/",
        {"version": 1, "order": 5, "words": [word("sad", ("sad", "one", "NUM")), {"form": "я"}],
         "translations": {"en": "one is", "ru": "один"}},
        format="json",
    ).json()  # fmt: skip
    client.post(
        f"{BASE}/utterances/{made[1]['id']}/revert/",
        {"to_version": 1, "version": 1},
        format="json",
    )
    before = documents.utterances.get(team.project.pk, made[2]["id"])
    changed = {"words": [word("kitab", ("kitab", "book", "N"))]}
    documents.bulk_update(
        documents.utterances, team.project.pk, {made[2]["id"]: (before, changed)}, "x"
    )
    after_edits = postings_of(team.project.pk)
    as_user(team.manager).delete(f"{BASE}/texts/{other['id']}/", HTTP_IF_MATCH='"1"')
    after_delete = postings_of(team.project.pk)

    assert edited["version"] == 2
    assert {(f, v) for _t, f, v, _e in after_edits} >= {("form", "я"), ("translation:ru", "один")}
    assert after_delete == rebuilt(team.project)
    assert {t for t, _f, _v, _e in after_delete} == {text["id"]}
    entries = {f"{t}:{f}:{v}": e.rsplit(".", 1)[1] for t, f, v, e in after_delete}
    assert entries[f"{text['id']}:gloss:one"] == "1"
    assert f"{text['id']}:gloss:PL" in entries  # the second utterance still has its PL


def test_counts_are_exact_with_several_hits_in_one_utterance(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    for n in (1, 2, 3):
        client.post(
            f"{BASE}/texts/{text['id']}/utterances/",
            {"words": [word(f"w{i}-ar", (f"w{i}", "x", "N"), ("ar", "PL", "S")) for i in range(n)]},
            format="json",
        )

    page = client.get(f"{BASE}/concordance/?field=gloss&q=PL&page_size=2").json()

    assert (page["count"], page["hits"]) == (3, 6)
    assert [[(h["word"], h["morpheme"]) for h in u["hits"]] for u in page["results"]] == [
        [(0, 1)],
        [(0, 1), (1, 1)],
    ]


def test_unsegmented_words_and_word_pos_are_searchable(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    client.post(
        f"{BASE}/texts/{text['id']}/utterances/",
        {"words": [{"form": "hello", "gloss": "greet", "pos": "INTJ"}]},
        format="json",
    )

    found = [
        client.get(f"{BASE}/concordance/?field={f}&q={q}").json()["results"][0]["hits"]
        for f, q in (("form", "hello"), ("gloss", "greet"), ("pos", "INTJ"))
    ]

    assert found == [
        [{"word": 0, "morpheme": None, "value": "hello"}],
        [{"word": 0, "morpheme": None, "value": "greet"}],
        [{"word": 0, "morpheme": None, "value": "INTJ"}],
    ]


def test_import_postings_equal_a_rebuild_and_a_redelivered_import_replaces_them(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    # Small buckets and buffer, so the import cuts buckets and flushes mid-way.
    monkeypatch.setattr(concordance, "BUCKET", 3)
    monkeypatch.setattr(concordance, "MAX_BUFFERED", 10)
    data = "".join(
        f"\\t a{i} b\n\\m a{i}-x b\n\\p N-S V\n\\g thing{i % 4}-PL go\n\\l thing went\n\n"
        for i in range(25)
    ).encode()
    # A first run dies after writing everything but before its commit (its stage is left)...
    with staging.Writer() as writer:
        stage = staging.Stage(team.project.pk, "job-1", "manager", writer)
        for batch in services.import_batches(lambda: io.BytesIO(data), "toolbox", "t.txt", "job-1"):
            stage.add(batch.texts, batch.utterances, batch.entries)
        stage.finish()
    # ...and the job is delivered again.
    services.import_file(
        team.project, lambda: io.BytesIO(data), "toolbox", "t.txt", "job-1", "manager"
    )
    imported = postings_of(team.project.pk)
    buckets = concordance.postings().count_documents({"project": team.project.pk})

    assert sum(1 for _t, f, v, _e in imported.elements() if (f, v) == ("gloss", "PL")) == 25
    assert max(imported.values()) == 1
    assert buckets > 10
    assert imported == rebuilt(team.project)


def test_deleting_a_project_removes_its_postings_and_vocabulary(
    team: Any, as_user: Any, mongo_db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    as_user(team.annotator).post(
        f"{BASE}/texts/{text['id']}/utterances/", {"words": [{"form": "a"}]}, format="json"
    )
    held = concordance.postings().count_documents({"project": team.project.pk})

    with django_capture_on_commit_callbacks(execute=True):
        projects.delete_project(team.owner, team.project)

    assert held == 1
    assert concordance.postings().count_documents({}) == 0
    assert concordance.vocab().count_documents({}) == 0


def test_reindex_command_repairs_lost_postings(team: Any, as_user: Any, mongo_db: Any) -> None:
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    as_user(team.annotator).post(
        f"{BASE}/texts/{text['id']}/utterances/",
        {"words": [word("a-b", ("a", "A", "N"), ("b", "B", "S"))]},
        format="json",
    )
    concordance.postings().delete_many({})
    concordance.vocab().delete_many({})
    lost = as_user(team.viewer).get(f"{BASE}/concordance/?field=gloss&q=B&mode=prefix").json()

    call_command("reindex_concordance", "--project", team.project.slug, stdout=None)
    found = as_user(team.viewer).get(f"{BASE}/concordance/?field=gloss&q=B&mode=prefix").json()

    assert lost["count"] == 0
    assert (found["count"], found["hits"]) == (1, 1)


def test_text_list_carries_utterance_counts(team: Any, as_user: Any, mongo_db: Any) -> None:
    manager = as_user(team.manager)
    text = manager.post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    for _ in range(3):
        manager.post(f"{BASE}/texts/{text['id']}/utterances/", {"words": []}, format="json")
    legacy = documents.texts.insert(team.project.pk, {"title": "old"}, "x")
    documents.utterances.insert(team.project.pk, {"text": legacy["_id"], "order": 0}, "x")

    listed = manager.get(f"{BASE}/texts/").json()["results"]

    assert [(t["title"], t["utterance_count"]) for t in listed] == [("T", 3), ("old", 1)]
    assert documents.texts.get(team.project.pk, legacy["_id"])["utterance_count"] == 1


def test_bulk_gloss_edit_versions_each_utterance_and_keeps_the_concordance(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = as_user(team.manager).post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    made = [
        client.post(
            f"{BASE}/texts/{text['id']}/utterances/",
            {"words": [word("a-ar", ("a", "x", "N"), ("ar", gloss, "S"))]},
            format="json",
        ).json()
        for gloss in ("pl", "pl", "PL", "DAT")
    ]

    by_form = client.post(
        f"{BASE}/glossing/replace/", {"form": "ar", "gloss": "pl", "to": "PL"}, format="json"
    )
    missing = client.post(f"{BASE}/glossing/replace/", {"to": "PL"}, format="json")
    versions = [documents.utterances.get(team.project.pk, u["id"])["version"] for u in made]
    pl = client.get(f"{BASE}/concordance/?field=gloss&q=PL").json()
    lower = client.get(f"{BASE}/concordance/?field=gloss&q=pl").json()
    history = client.get(f"{BASE}/utterances/{made[0]['id']}/history/").json()

    assert by_form.json() == {"morphemes": 2, "utterances": 2, "skipped": 0}
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["form"])
    assert versions == [2, 2, 1, 1]
    assert (pl["count"], lower["count"]) == (3, 0)
    assert history[0]["by"] == "annotator"
    assert postings_of(team.project.pk) == rebuilt(team.project)
