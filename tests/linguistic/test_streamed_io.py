"""Readers and writers stream: memory stays at one record or phrase, whatever the file size."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from annotations.linguistic.formats import flextext, toolbox
from annotations.linguistic.model import Morpheme, Text, Utterance, Word
from annotations.xmlsafe import FormatError, Problem
from tests.linguistic.factory import content

NOTE = "recorded at the market; speaker repeats the phrase for the transcriber. " * 4
T = TypeVar("T")
RECORD = (
    "\\t w{i} sad gafar\n\\m w{i}-ar sad gaf-ar\n\\p N-PL NUM V-PST\n"
    "\\g house-PL one say-PST\n\\l house {i} is one\n\\nt " + NOTE + "\n\n"
)


def write_toolbox(path: Path, megabytes: int) -> int:
    """A SIGMORPHON-marker Toolbox file of at least ``megabytes``, written in pieces."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < megabytes * 1024**2:
            out.write("".join(RECORD.format(i=n + k) for k in range(1000)))
            n += 1000
    return n


def peak_of(run: Callable[[], T]) -> tuple[T, int]:
    """What ``run`` returns and the peak of memory allocated while it ran."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_toolbox_read_of_a_20_mb_file_holds_one_record_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    records = write_toolbox(path, 20)
    size = path.stat().st_size
    problems: list[Problem] = []

    def read() -> tuple[int, Utterance | None]:
        count, last = 0, None
        with path.open("rb") as handle:
            for item in toolbox.iter_texts(handle, problems, text_id="big"):
                if isinstance(item, Utterance):
                    count, last = count + 1, item
        return count, last

    (count, last), peak = peak_of(read)

    assert size > 20 * 1024**2
    assert problems == []
    assert count == records
    assert last is not None and (last.order, last.translations) == (
        records - 1,
        {"en": f"house {records - 1} is one"},
    )
    assert last.tiers == {"nt": NOTE}
    # The whole file would be > 20 MB as bytes alone; one record and the buffers are < 1 MB.
    assert peak < 1024**2, f"peak {peak:,} bytes reading {size:,}"


def utterances(n: int) -> Iterator[Utterance]:
    """``n`` glossed utterances, made one at a time."""
    for i in range(n):
        words = [
            Word(
                form=f"w{i}ar",
                morphemes=[
                    Morpheme(form=f"w{i}", gloss="house", pos="N"),
                    Morpheme(form="ar", gloss="PL", pos="PL", boundary="-", morph_type="suffix"),
                ],
            ),
            Word(form="sad", gloss="one", pos="NUM"),
        ]
        yield Utterance(
            id=str(i + 1),
            order=i,
            transcription=f"w{i}ar sad",
            translations={"en": f"house {i} is one {NOTE}"},
            words=words,
        )


def test_toolbox_and_flextext_exports_of_a_long_text_hold_one_utterance() -> None:
    n = 4000
    for name, dumps in (("toolbox", toolbox.dumps_streamed), ("flextext", flextext.dumps_streamed)):

        def write(dumps: Callable[..., Iterator[str]] = dumps) -> tuple[int, int]:
            written = count = 0
            for chunk in dumps([(Text(id="long", title="Long"), utterances(n))]):
                written, count = written + len(chunk), count + 1
            return written, count

        (size, chunks), peak = peak_of(write)

        assert chunks >= n, name
        assert size > 1024**2, name
        assert peak < size / 20, f"{name}: peak {peak:,} bytes writing {size:,}"


def test_streamed_writers_write_what_the_whole_text_writers_write() -> None:
    text = Text(id="long", title="Long", language="qaa", utterances=list(utterances(30)))
    head = Text(id="long", title="Long", language="qaa")

    streamed_toolbox = "".join(toolbox.dumps_streamed([(head, iter(text.utterances))]))
    classic = "".join(toolbox.dumps_streamed([(head, iter(text.utterances))], markers="classic"))
    streamed_flex = "".join(flextext.dumps_streamed([(head, iter(text.utterances))]))

    assert streamed_toolbox == "".join(toolbox.dumps([text]))
    assert classic == "".join(toolbox.dumps([text], markers="classic"))
    assert streamed_flex == "".join(flextext.dumps([text]))
    assert content(flextext.loads(streamed_flex.encode())) == [text]


def test_toolbox_reader_takes_any_line_ending_and_reports_bad_utf8_by_line() -> None:
    crlf = toolbox.loads(b"\\t a b\r\n\\g x y\r\n\r\n\\t c\r\\g z\r")

    problems: list[Problem] = []
    list(toolbox.iter_texts(io.BytesIO(b"\\t a\n\\g x\n\n\\t \xff\n"), problems))

    assert [[w.gloss for w in u.words] for u in crlf[0].utterances] == [["x", "y"], ["z"]]
    assert [(p.line, p.warning) for p in problems] == [(4, False)]
    assert problems[0].message.startswith("not UTF-8 (invalid start byte")
