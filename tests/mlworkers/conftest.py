"""A small glossed corpus in the team's project, written through the linguistic services, and
helpers to train on it through the API and a real worker."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest

BASE = "/api/v1/projects/lezgi"

# A toy agglutinative language: stems and suffixes recur, as in a real field corpus.
STEMS = {"tok": "look.for", "ixoq": "wife", "ja": "house", "chooch": "home", "wi": "EXS"}
SUFFIXES = {"iil": "NMLZ", "ab": "PL"}
SENTENCES: list[list[tuple[str, ...]]] = [
    [("x", "tok"), ("r", "ixoq", "iil")],
    [("ja",), ("r", "chooch")],
    [("x", "tok"), ("ja", "ab")],
    [("wi",), ("r", "ixoq")],
    [("r", "chooch", "ab"), ("wi",)],
    [("x", "tok"), ("r", "ja")],
    [("ixoq", "ab"), ("x", "tok")],
    [("wi",), ("ja",)],
    [("r", "ixoq", "iil"), ("wi",)],
    [("chooch",), ("x", "tok")],
    [("ja", "ab"), ("r", "ixoq")],
    [("x", "tok"), ("chooch", "ab")],
]
PREFIXES = {"x": "COM", "r": "E3S"}


def gloss_of(morph: str) -> str:
    return PREFIXES.get(morph) or STEMS.get(morph) or SUFFIXES[morph]


def utterance(parts: list[tuple[str, ...]], *, glossed: bool = True) -> dict[str, Any]:
    words: list[dict[str, Any]] = []
    for word in parts:
        morphemes = [
            {
                "form": m,
                **({"gloss": gloss_of(m)} if glossed else {}),
                **({"sep": "-"} if i else {}),
            }
            for i, m in enumerate(word)
        ]
        words.append({"form": "".join(word), "morphemes": morphemes})
    return {
        "transcription": " ".join(w["form"] for w in words),
        "translations": {"en": " ".join(gloss_of(w[-1 if len(w) > 1 else 0]) for w in parts)},
        "words": words,
    }


def import_text(team: Any, text_id: str, sentences: list[Any], *, glossed: bool = True) -> None:
    from annotations.linguistic_api import services

    doc = {
        "id": text_id,
        "title": text_id,
        "utterances": [
            {"id": f"{text_id}-{i}", "order": i, **utterance(s, glossed=glossed)}
            for i, s in enumerate(sentences)
        ],
    }
    raw = (json.dumps(doc) + "\n").encode()
    services.import_file(
        team.project, lambda: io.BytesIO(raw), "json", f"{text_id}.jsonl", f"t-{text_id}", "owner"
    )


@pytest.fixture
def corpus(team: Any, mongo_db: Any) -> Any:
    """12 glossed utterances (text "train") and 3 unglossed ones (text "new")."""
    import_text(team, "train", SENTENCES)
    import_text(team, "new", SENTENCES[:3], glossed=False)
    return team


def wait_job(job_id: Any, timeout: float = 90) -> Any:
    from fieldmark.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(id=job_id)
        if job.state in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {Job.objects.get(id=job_id).state}")


def train(client: Any, task: str = "gloss", kind: str = "memory", **body: Any) -> dict[str, Any]:
    """POST a training run (202), wait for its job; returns the run as the API shows it."""
    response = client.post(
        f"{BASE}/models/runs/", {"task": task, "kind": kind, **body}, format="json"
    )
    assert response.status_code == 202, response.content
    run = response.json()
    job = wait_job(run["job"]["id"])
    assert job.state == "succeeded", job.error
    detail = client.get(f"{BASE}/models/runs/{run['id']}/")
    assert detail.status_code == 200
    return dict(detail.json())


def text_id(team: Any, name: str) -> str:
    from annotations.linguistic_api import documents

    doc = documents.texts.collection.find_one({"project": team.project.pk, "source_id": name})
    assert doc is not None
    return str(doc["_id"])
