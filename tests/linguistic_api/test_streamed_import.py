"""Imports read the upload twice (check, then write in batches), hold a batch at most, report
progress by bytes read, and leave nothing behind when the write pass fails."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations.linguistic_api import documents, services
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
def test_import_reports_progress_by_bytes_read_in_both_passes(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "PROGRESS_EVERY", 500)
    data = GOOD * 2000  # 4,000 utterances, 56 kB: several reads of the 8 kB buffer
    heard: list[tuple[float, str]] = []

    counts = services.import_file(
        team.project,
        lambda: io.BytesIO(data),
        "toolbox",
        "t.txt",
        "job-1",
        "manager",
        progress=lambda f, m: heard.append((f, m)),
    )

    checking = [f for f, m in heard if m.startswith("checking: ")]
    writing = [f for f, m in heard if m.startswith("writing: ")]
    assert counts == {"texts": 1, "utterances": 4000, "entries": 0}
    # 4,001 items (a head, 4,000 utterances): a report every 500, and one at the end of a pass.
    assert (len(checking), len(writing), len(heard)) == (9, 9, 18)
    assert [f for f, _ in heard] == sorted(f for f, _ in heard)
    assert 0 < checking[0] < 0.25
    assert (checking[-1], writing[0], writing[-1]) == (0.5, writing[0], 1.0)
    assert 0.5 < writing[0] < 0.75
    assert heard[-1] == (1.0, "writing: 100%")


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


@pytest.mark.django_db
def test_a_file_changed_between_the_passes_fails_and_leaves_nothing(
    team: Any, mongo_db: Any
) -> None:
    reads = iter([GOOD * 2, GOOD + BAD])

    with pytest.raises(services.ImportFailed) as err:
        services.import_file(
            team.project, lambda: io.BytesIO(next(reads)), "toolbox", "t.txt", "job-1", "m"
        )

    assert [p["line"] for p in err.value.report] == [8, 11]
    assert stored() == (0, 0, 0)
