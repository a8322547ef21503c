"""Every failed import is a problem report with a line and a reason that viewers may read; the
traceback stays in the log; a file that is plainly another format is refused before reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic.formats import csv as csvfmt
from annotations.linguistic_api import documents
from fieldmark.jobs.models import Job
from fieldmark.jobs.tasks import run_job

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
LIFT = b'<?xml version="1.0" encoding="UTF-8"?>\n<lift version="0.13">\n<entry id="a"/>\n</lift>\n'
HEADER = ",".join(csvfmt.MORPHEME_COLUMNS) + "\n"
FLEX = (Path(__file__).parents[1] / "linguistic" / "data" / "sample.flextext").read_bytes()


def _import(team: Any, as_user: Any, name: str, data: bytes, fmt: str) -> Job:
    response = as_user(team.manager).post(
        f"{BASE}/imports/", {"file": SimpleUploadedFile(name, data), "format": fmt},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    run_job(response.json()["id"])  # the worker's code path, in this process
    return Job.objects.get(id=response.json()["id"])


def _nothing_written(team: Any) -> None:
    for store in (documents.texts, documents.utterances, documents.lexicon):
        assert store.collection.count_documents({"project": team.project.pk}) == 0


def _viewer_sees(team: Any, as_user: Any, job: Job) -> dict[str, Any]:
    body = as_user(team.viewer).get(f"/api/v1/jobs/{job.id}/").json()
    assert "traceback" not in json.dumps(body)
    return dict(body["error"])


@pytest.mark.parametrize(
    ("name", "data", "fmt", "problem"),
    [
        ("dict.lift", LIFT, "toolbox",
         "This looks like a LIFT file, not Toolbox: import it as lift."),
        ("dict.lift", LIFT, "flextext",
         "This looks like a LIFT file (root element <lift>), not FLEx (.flextext): import it as "
         "lift."),
        ("story.flextext", FLEX, "csv",
         "This looks like a FLEx (.flextext) file, not CSV: import it as flextext."),
        ("notes.txt", b"\\_sh v3.0 Text\n\\tx hello\n", "lift",
         "This is not an XML file, so it cannot be LIFT."),
        ("rows.json", b'{"id": "t"}\n', "toolbox",
         "This looks like JSON, not Toolbox: import it as json."),
    ],
)  # fmt: skip
def test_a_file_of_another_format_is_refused(
    team: Any, as_user: Any, mongo_db: Any, name: str, data: bytes, fmt: str, problem: str
) -> None:
    job = _import(team, as_user, name, data, fmt)

    assert job.state == "failed"
    assert _viewer_sees(team, as_user, job)["problems"] == [
        {"line": 1, "element": None, "problem": problem}
    ]
    _nothing_written(team)


def test_a_csv_field_over_the_limit_is_a_report_with_its_line(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    rows = "t,u1,0,hello,0,hi,,,,,hi,,,,\n" * 3
    data = (HEADER + rows + "t,u2,1," + "x" * 140_000 + ",0,a,,,,,a,,,,\n").encode()

    job = _import(team, as_user, "big.csv", data, "csv")

    error = _viewer_sees(team, as_user, job)
    assert job.state == "failed"
    assert error["problems"] == [
        {
            "line": 5,
            "element": None,
            "problem": "the CSV cannot be read (field larger than field limit (131072))",
        }
    ]
    assert error["detail"] == f"line 5: {error['problems'][0]['problem']}"
    _nothing_written(team)


def test_deeply_nested_json_is_a_report(team: Any, as_user: Any, mongo_db: Any) -> None:
    data = b'{"id": "t", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"

    job = _import(team, as_user, "deep.json", data, "json")

    error = _viewer_sees(team, as_user, job)
    assert job.state == "failed"
    assert len(error["problems"]) == 1 and error["problems"][0]["line"] == 1
    _nothing_written(team)
