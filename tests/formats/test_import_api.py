"""Toolbox and MDF imports through the API and the import service: marker mappings, the
preview of the first records, tolerant decoding, warnings kept in the job's result."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import documents, services
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
MIXED = "\\ref 1\n\\wd ni ka\n\\mo ni ka\n\\gl 1SG go\n\\tr I go\n\n\\ref 2\n\\wd naïve\n".encode()
MIXED = MIXED.replace("naïve".encode(), "naïve".encode("cp1252"))
MAPPING = {"words": "wd", "morphemes": "mo", "gloss": "gl", "translations": {"tr": "en"}}
MDF = b"\\lx kanu\n\\ps v\n\\ge love\n\\xv a kanu\n\\xe he loves it\n\n\\lx bi\n\\ge be\n"


def test_preview_shows_what_a_mapping_makes_of_the_first_records(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/imports/toolbox/preview/",
        {
            "file": SimpleUploadedFile("a.txt", MIXED),
            "mapping": json.dumps({"markers": MAPPING, "decoding": "tolerant"}),
            "records": 1,
        },
        format="multipart",
    )
    body = response.json()
    assert response.status_code == 200
    assert body["markers"]["words"] == "wd"
    assert [w["morphemes"][0]["gloss"] for w in body["utterances"][0]["words"]] == ["1SG", "go"]
    assert body["utterances"][0]["translations"] == {"en": "I go"}
    assert documents.utterances.collection.count_documents({}) == 0


def test_a_bad_marker_mapping_is_a_400_naming_mapping(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/imports/",
        {
            "file": SimpleUploadedFile("a.txt", MIXED),
            "format": "toolbox",
            "mapping": json.dumps({"markers": {"wordz": "wd"}}),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"mapping"}
    assert documents.utterances.collection.count_documents({}) == 0


def test_tolerant_import_keeps_every_line_and_reports_the_repairs(team: Any, mongo_db: Any) -> None:
    def open_file() -> io.BytesIO:
        return io.BytesIO(MIXED)

    with pytest.raises(services.ImportFailed) as err:
        services.import_file(
            team.project, open_file, "toolbox", "a.txt", "j1", "m", mapping={"markers": MAPPING}
        )
    assert [r["line"] for r in err.value.report] == [8]
    counts = services.import_file(
        team.project,
        open_file,
        "toolbox",
        "a.txt",
        "j2",
        "m",
        mapping={"markers": MAPPING, "decoding": "tolerant"},
    )
    assert (counts["texts"], counts["utterances"]) == (1, 2)
    assert [w["line"] for w in counts["warnings"]] == [8]
    forms = [
        [w["form"] for w in u["words"]]
        for u in documents.utterances.collection.find({}, sort=[("order", 1)])
    ]
    assert forms == [["ni", "ka"], ["naïve"]]


def test_mdf_lexicon_imports_into_the_lexicon(team: Any, mongo_db: Any) -> None:
    counts = services.import_file(team.project, lambda: io.BytesIO(MDF), "mdf", "d.txt", "j", "m")
    assert counts == {"texts": 0, "utterances": 0, "entries": 2}
    kanu = documents.lexicon.collection.find_one({"forms.und": "kanu"})
    assert kanu is not None
    assert kanu["senses"][0]["examples"][0]["translations"] == {"en": "he loves it"}


def test_shared_kakabe_imports_with_its_warnings_in_the_result(team: Any, mongo_db: Any) -> None:
    data = shared_file("toolbox/kakabe.txt").read_bytes()
    counts = services.import_file(
        team.project, lambda: io.BytesIO(data), "toolbox", "kakabe.txt", "j", "m"
    )
    assert (counts["texts"], counts["utterances"]) == (8, 552)
    assert 0 < len(counts["warnings"]) < 200
    stored = documents.utterances.collection.find_one({"order": 0, "words.0.form": {"$exists": 1}})
    assert stored is not None and stored["words"][0]["morphemes"][0]["glosses"]["gf"]
