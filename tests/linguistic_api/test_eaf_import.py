"""ELAN imports: list a file's tiers, then import it with a tier mapping as a job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import documents
from fieldmark.jobs.models import Job
from tests.linguistic_api.test_import_export import wait_finished

BASE = "/api/v1/projects/lezgi"
SAMPLE = (Path(__file__).parents[1] / "linguistic" / "data" / "sample_3.0.eaf").read_bytes()
MAPPING = {"utterance": "text", "words": "words-symsub", "pos": "words-pos"}


def post_import(client: Any, mapping: Any, fmt: str = "eaf") -> Any:
    body: dict[str, Any] = {"file": SimpleUploadedFile("sample.eaf", SAMPLE), "format": fmt}
    if mapping is not None:
        body["mapping"] = json.dumps(mapping)
    return client.post(f"{BASE}/imports/", body, format="multipart")


@pytest.mark.django_db
def test_tiers_of_an_eaf_file(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/imports/eaf/tiers/",
        {"file": SimpleUploadedFile("sample.eaf", SAMPLE)},
        format="multipart",
    )
    tiers = {t["id"]: t for t in response.json()}

    assert response.status_code == 200
    assert tiers["text"]["annotations"] == 399
    assert tiers["words-pos"]["parent"] == "words-symsub"
    assert set(tiers["text"]) == {
        "id", "linguistic_type", "constraint", "parent", "participant", "lang", "annotations"
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_eaf_import_with_mapping_on_the_worker(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    response = post_import(as_user(team.manager), MAPPING)
    job = wait_finished(response.json()["id"])

    assert response.status_code == 202
    assert job.state == "succeeded", job.error
    assert job.result == {"texts": 1, "utterances": 399, "entries": 0}
    assert job.params["mapping"] == MAPPING
    assert documents.utterances.collection.count_documents({"project": team.project.pk}) == 399
    text = documents.texts.collection.find_one({"project": team.project.pk})
    assert text is not None and text["title"] == "sample"
    first = documents.utterances.collection.find_one({"text": text["_id"], "order": 0})
    assert first is not None
    assert (first["transcription"], first["media"]["start"], first["media"]["end"]) == (
        "The quick brown fox 001",
        2000,
        5000,
    )
    # Words keep their ELAN annotation ids (issue 9), so an export writes them back.
    assert first["words"] == [
        {"form": "The", "guid": "a2395"},
        {"form": "quick", "pos": "adj", "guid": "a2396"},
        {"form": "brown", "pos": "adj", "guid": "a2397"},
        {"form": "fox", "pos": "n", "guid": "a2398"},
        {"form": "001", "guid": "a2399"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mapping",
    [
        {"utterance": "text", "words": "no-such-tier"},
        {"utterance": "text", "colour": "words"},
        None,
    ],
    ids=["unknown-tier", "unknown-role", "missing"],
)
def test_bad_mapping_is_400_naming_mapping_and_starts_nothing(
    team: Any, as_user: Any, mongo_db: Any, mapping: Any
) -> None:
    response = post_import(as_user(team.manager), mapping)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["mapping"]
    if mapping and "words" in mapping:
        assert "'no-such-tier' (words)" in response.json()["detail"]
    assert Job.objects.count() == 0
    assert documents.utterances.collection.count_documents({}) == 0


@pytest.mark.django_db
def test_mapping_on_another_format_is_400(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = post_import(as_user(team.manager), MAPPING, fmt="toolbox")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["mapping"]
    assert Job.objects.count() == 0


def _first_text_annotation(data: bytes) -> tuple[str, list[str]]:
    """Counted with lxml, apart from our reader: the earliest annotation of tier ``text`` and the
    values of the ``words-symsub`` annotations that refer to it, in their chain's order."""
    from lxml import etree

    root = etree.fromstring(data)
    times = {
        slot.get("TIME_SLOT_ID"): int(slot.get("TIME_VALUE"))
        for slot in root.iterfind("TIME_ORDER/TIME_SLOT")
        if slot.get("TIME_VALUE") is not None
    }
    texts = root.xpath("//TIER[@TIER_ID='text']/ANNOTATION/ALIGNABLE_ANNOTATION")
    first = min(texts, key=lambda a: times.get(a.get("TIME_SLOT_REF1"), 1 << 62))
    refs = root.xpath(
        "//TIER[@TIER_ID='words-symsub']/ANNOTATION/REF_ANNOTATION[@ANNOTATION_REF=$id]",
        id=first.get("ANNOTATION_ID"),
    )
    by_previous = {ref.get("PREVIOUS_ANNOTATION"): ref for ref in refs}
    chain, previous = [], None
    while previous in by_previous or (previous is None and None in by_previous):
        ref = by_previous[previous]
        chain.append(ref.findtext("ANNOTATION_VALUE") or "")
        previous = ref.get("ANNOTATION_ID")
    return first.findtext("ANNOTATION_VALUE") or "", chain


@pytest.mark.django_db
def test_preview_shows_the_first_utterances_with_the_mapping(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    from tests.shared_data import shared_file

    data = shared_file("elan/sample_3.0.eaf").read_bytes()
    transcription, words = _first_text_annotation(data)

    response = as_user(team.manager).post(
        f"{BASE}/imports/eaf/preview/",
        {
            "file": SimpleUploadedFile("sample_3.0.eaf", data),
            "mapping": json.dumps(MAPPING),
            "records": 2,
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content
    preview = response.json()
    assert len(preview["utterances"]) == 2
    first = preview["utterances"][0]
    assert first["transcription"] == transcription
    assert [w["form"] for w in first["words"]] == words
    assert documents.utterances.collection.count_documents({}) == 0


@pytest.mark.django_db
def test_preview_with_a_missing_tier_is_400_naming_mapping(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/imports/eaf/preview/",
        {
            "file": SimpleUploadedFile("sample.eaf", SAMPLE),
            "mapping": json.dumps({"utterance": "nope"}),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["mapping"]
    assert "No tier 'nope' (utterance)" in response.json()["detail"]


@pytest.mark.django_db
def test_annotator_may_not_preview(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.annotator).post(
        f"{BASE}/imports/eaf/preview/",
        {"file": SimpleUploadedFile("sample.eaf", SAMPLE), "mapping": json.dumps(MAPPING)},
        format="multipart",
    )

    assert response.status_code == 403
