"""import(export(project)) gives the same corpus back, in every export format, through the
streamed readers and writers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from lxml import etree

from annotations.linguistic_api import documents, services
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db

SYSTEM = {"_id", "project", "version", "created_at", "created_by", "updated_at", "updated_by"}


def corpus() -> list[dict[str, Any]]:
    skip = {*SYSTEM, "text", "import_job"}
    return [
        {k: v for k, v in doc.items() if k not in skip}
        for doc in documents.utterances.collection.find({}, sort=[("order", 1)])
    ]


def lexicon() -> list[dict[str, Any]]:
    skip = {*SYSTEM, "import_job"}
    return [
        {k: v for k, v in doc.items() if k not in skip}
        for doc in documents.lexicon.collection.find({}, sort=[("id", 1)])
    ]


def clear() -> None:
    for store in (documents.texts, documents.utterances, documents.lexicon):
        store.collection.delete_many({})
    documents.lexicon_headers().delete_many({})


def load(team: Any, data: bytes, fmt: str, name: str, job: str) -> dict[str, int]:
    return services.import_file(team.project, lambda: io.BytesIO(data), fmt, name, job, "m")


@pytest.mark.parametrize("fmt", ["toolbox", "flextext", "csv", "json"])
def test_corpus_survives_export_and_import_in_each_format(
    team: Any, mongo_db: Any, fmt: str
) -> None:
    lezgi = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    load(team, lezgi, "toolbox", "lez.txt", "job-1")
    before = corpus()

    exported = "".join(services.export_chunks(team.project, fmt)).encode()
    clear()
    counts = load(team, exported, fmt, f"lez.{fmt}", "job-2")

    assert counts == {"texts": 1, "utterances": 88, "entries": 0}
    assert corpus() == before


def test_lexicon_survives_lift_export_and_import(team: Any, mongo_db: Any) -> None:
    enggano = shared_file("lift/enggano-contemporary-2024-12-30.lift").read_bytes()
    load(team, enggano, "lift", "enggano.lift", "job-1")
    before = lexicon()
    header = documents.read_lexicon_header(team.project.pk)

    exported = "".join(services.export_chunks(team.project, "lift")).encode()
    clear()
    counts = load(team, exported, "lift", "enggano.lift", "job-2")

    assert counts == {"texts": 0, "utterances": 0, "entries": 1283}
    assert lexicon() == before
    # The header (ranges, custom field definitions) is kept with the lexicon and written back.
    original, written = etree.fromstring(enggano), etree.fromstring(exported)
    for query in ("/lift/header/ranges/range/@id", "/lift/header/fields/field/@tag"):
        assert written.xpath(query) == original.xpath(query)
        assert len(original.xpath(query)) > 0
    assert header is not None
    assert documents.read_lexicon_header(team.project.pk) == header


def test_corpus_survives_eaf_export_and_import(team: Any, mongo_db: Any) -> None:
    lezgi = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    load(team, lezgi, "toolbox", "lez.txt", "job-1")
    before = corpus()

    exported = "".join(services.export_chunks(team.project, "eaf")).encode()
    clear()
    mapping = {
        "utterance": "utterance",
        "words": "words",
        "morphemes": "morphemes",
        "gloss": "gloss",
        "pos": "pos",
        "translations": {"en": "translation-en"},
        "notes": "notes",
    }
    counts = services.import_file(
        team.project, lambda: io.BytesIO(exported), "eaf", "lez.eaf", "job-2", "m", mapping=mapping
    )

    assert counts == {"texts": 1, "utterances": 88, "entries": 0}
    # What EAF adds to a text from elsewhere (docs/formats.md): new utterance ids where the old
    # are no XML names ("1"), an annotation id on each word and morpheme (kept as ``guid``), an
    # unaligned time span, the tier in ``layout``. That aside, every word, morpheme, gloss, POS
    # and translation is back.
    assert [_without_eaf_ids(u) for u in corpus()] == [_without_eaf_ids(u) for u in before]


def _without_eaf_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_eaf_ids(v)
            for k, v in value.items()
            if k not in ("id", "guid", "layout") and not (k == "media" and v == {})
        }
    if isinstance(value, list):
        return [_without_eaf_ids(v) for v in value]
    return value
