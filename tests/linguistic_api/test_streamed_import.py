"""Imports read the upload once (each batch checked as it is staged, then all committed), hold a
batch at most, report progress by bytes read, stay invisible until they commit, and leave
nothing behind when they fail."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations.linguistic_api import documents, pending, services
from annotations.linguistic_api.services import imports
from tests.linguistic.test_streamed_io import peak_of, write_toolbox
from tests.linguistic.test_xmlsafe import BILLION_LAUGHS

GOOD = b"\\t a b\n\\g x y\n\n\\t c\n\\g z\n\n"
BAD = b"\\t a b\n\\g x\n\n\\t c\n\\g z q\n\n"


def stored() -> tuple[int, int, int]:
    return (
        documents.texts.collection.count_documents({}),
        documents.utterances.collection.count_documents({}),
        documents.lexicon.collection.count_documents({}),
    )


def test_check_and_batches_of_a_large_file_hold_one_batch(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    records = write_toolbox(path, 6)
    size = path.stat().st_size

    def open_file() -> Any:
        return path.open("rb")

    def check() -> None:
        services.check_import(open_file, "toolbox", "big.txt")

    def read_batches() -> list[tuple[int, int]]:
        return [
            (len(b.texts), len(b.utterances))
            for b in services.import_batches(open_file, "toolbox", "big.txt", "job", size=100)
        ]

    _, check_peak = peak_of(check)
    batches, batch_peak = peak_of(read_batches)

    assert sum(u for _, u in batches) == records
    assert batches[0] == (1, 100)
    assert {u for _, u in batches[:-1]} == {100}
    # Checking keeps nothing; writing holds the batch being built and the one being written.
    assert check_peak < size / 20, f"check: peak {check_peak:,} bytes for {size:,}"
    assert batch_peak < size / 5, f"batches: peak {batch_peak:,} bytes for {size:,}"


@pytest.mark.django_db
def test_import_reads_once_and_reports_progress_by_bytes_read(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 500)
    data = GOOD * 2000  # 4,000 utterances, 56 kB: several reads of the 8 kB buffer
    heard: list[tuple[float, str]] = []
    opened: list[int] = []

    def open_file() -> io.BytesIO:
        opened.append(1)
        return io.BytesIO(data)

    counts = services.import_file(
        team.project,
        open_file,
        "toolbox",
        "t.txt",
        "job-1",
        "manager",
        progress=lambda f, m: heard.append((f, m)),
    )

    reading = [f for f, m in heard if m.startswith("importing: ")]
    assert counts == {"texts": 1, "utterances": 4000, "entries": 0}
    assert len(opened) == 1
    # 4,001 items (a head, 4,000 utterances): a report every 500, one at the end of the file,
    # and one once committed.
    assert (len(reading), len(heard)) == (9, 10)
    assert [f for f, _ in heard] == sorted(f for f, _ in heard)
    assert 0 < reading[0] < 0.5
    assert reading[-1] == 0.95
    assert heard[-1] == (1.0, "imported")


@pytest.mark.django_db
def test_misaligned_records_are_kept_and_every_one_reported(team: Any, mongo_db: Any) -> None:
    # A gloss count that does not match keeps the record with what it has (issue 9), and the
    # job's result names each such line.
    counts = services.import_file(
        team.project, lambda: io.BytesIO(BAD), "toolbox", "t.txt", "job-1", "manager"
    )

    assert [(p["line"], p["problem"]) for p in counts["warnings"]] == [
        (2, "2 words but 1 tokens on \\g; the first ones kept in order"),
        (5, "1 words but 2 tokens on \\g; the first ones kept in order"),
    ]
    assert stored() == (1, 2, 0)


@pytest.mark.django_db
def test_entity_tricks_fail_the_streamed_import_and_write_nothing(team: Any, mongo_db: Any) -> None:
    with pytest.raises(services.ImportFailed) as err:
        services.import_file(
            team.project, lambda: io.BytesIO(BILLION_LAUGHS), "lift", "x.lift", "job-1", "m"
        )

    assert err.value.report == [
        {
            "line": 3,
            "element": None,
            "problem": "DOCTYPE declares entities, which are refused for safety",
        }
    ]
    assert stored() == (0, 0, 0)


@pytest.mark.django_db
def test_write_pass_failing_midway_removes_what_it_wrote(team: Any, mongo_db: Any) -> None:
    data = GOOD * 3
    other = services.import_file(
        team.project, lambda: io.BytesIO(GOOD), "toolbox", "keep.txt", "job-0", "manager"
    )

    def failing() -> Iterator[services.ImportBatch]:
        batches = services.import_batches(
            lambda: io.BytesIO(data), "toolbox", "t.txt", "job-1", size=2
        )
        yield next(batches)
        yield next(batches)
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        services.write_import(team.project, failing(), "manager", "job-1")

    assert other == {"texts": 1, "utterances": 2, "entries": 0}
    assert stored() == (1, 2, 0)
    assert documents.utterances.collection.count_documents({"import_job": "job-1"}) == 0


def everything() -> int:
    """Documents of every kind in every project, staged ones included."""
    return sum(mongo_db_count(name) for name in ("texts", "utterances", "lexicon", "concordance"))


def mongo_db_count(name: str) -> int:
    from fieldmark.storage import mongo

    return int(mongo.collection(name).count_documents({}))


@pytest.mark.django_db
def test_an_import_is_invisible_until_it_commits(team: Any, as_user: Any, mongo_db: Any) -> None:
    base = "/api/v1/projects/lezgi"
    client = as_user(team.viewer)
    data = b"\\t a b\n\\g x FOO\n\n" * 3

    def look() -> tuple[int, int, int]:
        return (
            client.get(f"{base}/texts/").json()["count"],
            client.get(f"{base}/concordance/?field=gloss&q=x").json()["count"],
            client.get(f"{base}/glossing/check/").json()["count"],
        )

    seen: list[tuple[int, int, int]] = []

    def watched() -> Iterator[services.ImportBatch]:
        yield from services.import_batches(
            lambda: io.BytesIO(data), "toolbox", "t.txt", "job-1", size=2
        )
        # Every batch has been handed to the writer by now; wait for it, then look from outside.
        while mongo_db_count("utterances") < 3:
            pass
        seen.append(look())

    counts = services.write_import(team.project, watched(), "manager", "job-1")

    assert seen == [(0, 0, 0)]
    assert mongo_db_count("concordance") > 0
    assert counts == {"texts": 1, "utterances": 3, "entries": 0}
    assert look() == (1, 3, 3)
    assert mongo_db_count(pending.STAGES) == 0


@pytest.mark.django_db
def test_problems_found_while_staging_leave_nothing_anywhere(team: Any, mongo_db: Any) -> None:
    # Lines that are not UTF-8 are errors (misaligned glosses are only warnings now).
    bad_utf8 = b"\\t a b\n\\g x \xff\n\n\\t c\n\\g \xff\n\n"
    with pytest.raises(services.ImportFailed) as err:
        services.import_file(
            team.project, lambda: io.BytesIO(GOOD * 2 + bad_utf8), "toolbox", "t.txt", "job-1", "m"
        )

    assert [p["line"] for p in err.value.report] == [14, 17]
    assert everything() == 0


@pytest.mark.django_db
def test_a_commit_failing_midway_removes_what_it_had_written(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise ConnectionError("database went away during the commit")

    monkeypatch.setattr(documents.texts, "insert_many", broken)
    with pytest.raises(ConnectionError):
        services.import_file(
            team.project, lambda: io.BytesIO(GOOD * 3), "toolbox", "t.txt", "job-1", "m"
        )

    assert everything() == 0
    assert mongo_db_count(pending.STAGES) == 0
