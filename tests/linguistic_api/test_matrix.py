"""Every linguistic endpoint × every role: the allowed get their exact status; the refused get
401/403/404 in the error shape, and Mongo and the job table are exactly as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import services
from fieldmark.jobs.models import Job
from fieldmark.projects.permissions import RANK
from tests.linguistic_api.test_api import UTTERANCE

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
EAF = (Path(__file__).parents[1] / "linguistic" / "data" / "sample_3.0.eaf").read_bytes()
TOOLBOX = b"\\t sad\n\\m sad\n\\g one\n\\l one\n"
WHO = ("owner", "manager", "annotator", "viewer", "outsider", "anonymous")


@dataclass
class World:
    text: str
    utterance: str
    entry: str
    export_job: str
    pdf_job: str


Body = Callable[[], Any]


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the World's ids
    role: str  # the least role allowed
    status: int
    body: Body | None = None
    fmt: str = "json"
    headers: tuple[tuple[str, str], ...] = ()


def multipart(fmt: str, data: bytes, name: str, **extra: str) -> Body:
    return lambda: {"file": SimpleUploadedFile(name, data), "format": fmt, **extra}


CASES: dict[str, Case] = {
    "texts-list": Case("get", "texts/", "viewer", 200),
    "texts-create": Case("post", "texts/", "annotator", 201, lambda: {"title": "New"}),
    "text-get": Case("get", "texts/{text}/", "viewer", 200),
    "text-patch": Case(
        "patch", "texts/{text}/", "annotator", 200, lambda: {"title": "X", "version": 1}
    ),
    "text-delete": Case(
        "delete", "texts/{text}/", "annotator", 204, headers=(("HTTP_IF_MATCH", '"1"'),)
    ),
    "utterances-list": Case("get", "texts/{text}/utterances/", "viewer", 200),
    "utterances-create": Case(
        "post", "texts/{text}/utterances/", "annotator", 201, lambda: UTTERANCE
    ),
    "utterance-get": Case("get", "utterances/{utterance}/", "viewer", 200),
    "utterance-put": Case(
        "put", "utterances/{utterance}/", "annotator", 200, lambda: {**UTTERANCE, "version": 1}
    ),
    "utterance-history": Case("get", "utterances/{utterance}/history/", "viewer", 200),
    "utterance-revert": Case(
        "post",
        "utterances/{utterance}/revert/",
        "annotator",
        200,
        lambda: {"to_version": 1, "version": 1},
    ),
    "lexicon-list": Case("get", "lexicon/", "viewer", 200),
    "lexicon-create": Case("post", "lexicon/", "annotator", 201, lambda: {"forms": {"lez": "зун"}}),
    "entry-get": Case("get", "lexicon/{entry}/", "viewer", 200),
    "entry-put": Case(
        "put", "lexicon/{entry}/", "annotator", 200, lambda: {"forms": {"lez": "сад"}, "version": 1}
    ),
    "import": Case(
        "post", "imports/", "manager", 202, multipart("toolbox", TOOLBOX, "a.txt"), "multipart"
    ),
    "import-eaf": Case(
        "post",
        "imports/",
        "manager",
        202,
        multipart("eaf", EAF, "s.eaf", mapping=json.dumps({"utterance": "text"})),
        "multipart",
    ),
    "eaf-tiers": Case(
        "post",
        "imports/eaf/tiers/",
        "manager",
        200,
        lambda: {"file": SimpleUploadedFile("s.eaf", EAF)},
        "multipart",
    ),
    "toolbox-preview": Case(
        "post",
        "imports/toolbox/preview/",
        "manager",
        200,
        lambda: {"file": SimpleUploadedFile("a.txt", TOOLBOX)},
        "multipart",
    ),
    "import-toolbox-mapping": Case(
        "post",
        "imports/",
        "manager",
        202,
        multipart("toolbox", TOOLBOX, "a.txt", mapping=json.dumps({"markers": "sigmorphon"})),
        "multipart",
    ),
    "concordance": Case("get", "concordance/?field=gloss&q=one", "viewer", 200),
    "export-stream": Case("get", "export/?format=json", "viewer", 200),
    "export-job": Case("post", "exports/", "viewer", 202, lambda: {"format": "csv"}),
    "export-download": Case("get", "exports/{export_job}/download", "viewer", 200),
    "dictionary": Case("get", "dictionary/?q=s", "viewer", 200),
    "dictionary-pdf": Case("post", "dictionary/pdf/", "viewer", 202),
    "dictionary-pdf-download": Case("get", "dictionary/pdf/{pdf_job}", "viewer", 200),
    "leipzig": Case("get", "glossing/leipzig/", "viewer", 200),
    "gloss-check": Case("get", "glossing/check/", "viewer", 200),
    "gloss-consistency": Case("get", "glossing/consistency/", "viewer", 200),
    "gloss-link": Case("post", "glossing/link/", "annotator", 202, lambda: {}),
    "gloss-create-entries": Case("post", "glossing/create-entries/", "annotator", 200, lambda: {}),
    "gloss-replace": Case(
        "post", "glossing/replace/", "annotator", 200, lambda: {"form": "сад", "to": "one"}
    ),
}


def finished_job(team: Any, kind: str, relative: str, result: dict[str, Any]) -> str:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 stand-in" if kind.endswith("pdf") else b"{}\n")
    job = Job.objects.create(
        project=team.project, kind=kind, params={}, state="succeeded",
        result={"path": relative, **result},
    )  # fmt: skip
    return str(job.id)


def world(team: Any) -> World:
    text = services.create_text(team.manager, team.project, {"title": "Story"})
    utterance = services.create_utterance(team.manager, team.project, text["_id"], UTTERANCE)
    entry = services.create_entry(
        team.manager, team.project, {"forms": {"lez": "сад"}, "senses": [{"id": "s1"}]}
    )
    export_job = finished_job(team, "linguistic.export", "exports/m.jsonl", {"format": "json"})
    pdf_job = finished_job(team, "linguistic.dictionary_pdf", "dictionaries/m.pdf", {})
    return World(text["_id"], utterance["_id"], entry["_id"], export_job, pdf_job)


def snapshot(db: Any) -> dict[str, Any]:
    mongo = {
        name: list(db[name].find({}, sort=[("_id", 1)])) for name in db.list_collection_names()
    }
    jobs = list(Job.objects.order_by("id").values_list("id", "kind", "state", "params"))
    return {"mongo": mongo, "jobs": jobs}


def expected(who: str, case: Case) -> int:
    if who == "anonymous":
        return 401
    if who == "outsider":
        return 404
    return case.status if RANK[who] >= RANK[case.role] else 403


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(CASES))
def test_matrix(team: Any, as_user: Any, mongo_db: Any, who: str, name: str) -> None:
    case = CASES[name]
    ids = world(team)
    before = snapshot(mongo_db)
    client = as_user(None if who == "anonymous" else team.users[who])
    kwargs: dict[str, Any] = dict(case.headers)
    if case.body is not None:
        kwargs.update(data=case.body(), format=case.fmt)

    response = getattr(client, case.method)(f"{BASE}/{case.path.format(**vars(ids))}", **kwargs)

    status = expected(who, case)
    assert response.status_code == status, getattr(response, "content", b"")[:300]
    if status >= 400:
        body = response.json()
        assert set(body) == {"error", "detail", "fields"}
        assert snapshot(mongo_db) == before
