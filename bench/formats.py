"""Read throughput of each format reader on the real files in ../shared/data.

    .venv/bin/python bench/formats.py              # every file, best of 3 reads
    BENCH_REPEAT=1 .venv/bin/python bench/formats.py   # one read each, quicker

For each file: its size, the best wall time of ``BENCH_REPEAT`` full reads through the streamed
reader (what an import's check pass does, no database), MB/s and utterances (or entries) per
second. Pure Python, no Django: the figures are the parsers' own. Numbers taken on a shared
machine are pessimistic.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.linguistic.formats import csv as csv_format  # noqa: E402
from annotations.linguistic.formats import eaf, flextext, lift, toolbox  # noqa: E402
from annotations.linguistic.formats import json as json_format  # noqa: E402
from annotations.linguistic.model import Utterance  # noqa: E402
from annotations.xmlsafe import Problem  # noqa: E402

DATA = Path(os.environ.get("FIELDMARK_SHARED_DIR", ROOT.parent / "shared")) / "data"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))

Reader = Callable[[io.BytesIO, list[Problem]], Iterable[Any]]


def _eaf(mapping: eaf.TierMapping) -> Reader:
    return lambda src, problems: eaf.iter_texts(src, mapping, problems)


CASES: list[tuple[str, str, Reader]] = [
    ("toolbox", "toolbox/kakabe.txt", lambda s, p: toolbox.iter_texts(s, p)),
    (
        "toolbox (SIGMORPHON)",
        "glossing/Uspanteko/usp-train-track2-uncovered",
        lambda s, p: toolbox.iter_texts(s, p),
    ),
    ("flextext (FLEx 7/8)", "flextext/vatlongos-old-schema.flextext", flextext.iter_texts),
    ("flextext", "flextext/flextext2dlx-test.flextext", flextext.iter_texts),
    ("eaf 2.7", "elan/sample_2.7.eaf", _eaf(eaf.TierMapping("text", words="words-timesub"))),
    ("eaf 3.0", "elan/sample_3.0.eaf", _eaf(eaf.TierMapping("text", words="words-timesub"))),
    ("lift", "lift/enggano-contemporary-2024-12-30.lift", lift.iter_entries),
]
# Formats with no real file in ../shared/data, read from what Fieldmark writes of one: the
# Enggano lexicon as MDF, the Kakabe corpus as CSV and JSON Lines.
WRITTEN: list[tuple[str, str, Callable[[bytes], bytes], Reader]] = [
    (
        "mdf (from the LIFT)",
        "lift/enggano-contemporary-2024-12-30.lift",
        lambda data: "".join(toolbox.mdf.dumps(lift.loads(data))).encode(),
        lambda s, p: toolbox.mdf.iter_entries(s, p),
    ),
    (
        "csv (from Kakabe)",
        "toolbox/kakabe.txt",
        lambda data: _csv(toolbox.loads(data)),
        csv_format.iter_texts,
    ),
    (
        "json (from Kakabe)",
        "toolbox/kakabe.txt",
        lambda data: "".join(json_format.dumps(toolbox.loads(data))).encode(),
        json_format.iter_texts,
    ),
]


def _csv(texts: list[Any]) -> bytes:
    langs = csv_format.translation_languages(texts)
    return "".join(csv_format.iter_morpheme_rows(texts, langs)).encode()


def measure(reader: Reader, data: bytes) -> tuple[float, int]:
    best = float("inf")
    units = 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        problems: list[Problem] = []
        units = sum(1 for item in reader(io.BytesIO(data), problems) if _is_unit(item))
        best = min(best, time.perf_counter() - start)
    return best, units


def _is_unit(item: Any) -> bool:
    return isinstance(item, Utterance) or type(item).__name__ == "LexicalEntry"


def main() -> None:
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: put the shared data folder beside the checkout")
    print(f"{'format':22} {'file':42} {'MB':>6} {'s':>7} {'MB/s':>7} {'units/s':>9}")
    cases = [(name, rel, None, reader) for name, rel, reader in CASES] + list(WRITTEN)
    for name, relative, convert, reader in cases:
        path = DATA / relative
        if not path.exists():
            print(f"{name:22} {relative:42} (absent)")
            continue
        data = path.read_bytes() if convert is None else convert(path.read_bytes())
        seconds, units = measure(reader, data)
        mb = len(data) / 1e6
        print(
            f"{name:22} {relative:42} {mb:6.2f} {seconds:7.3f} {mb / seconds:7.2f} "
            f"{units / seconds:9.0f}"
        )


if __name__ == "__main__":
    main()
