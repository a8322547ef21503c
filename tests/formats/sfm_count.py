"""Independent counts of standard-format files, with regular expressions only (not our
readers), for the acceptance tests on real files."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

FIELD = re.compile(r"^\\(\S+)(?:[ \t](.*))?$")


@dataclass
class SfmCounts:
    records: list[list[tuple[str, str, int]]] = field(default_factory=list)
    markers: Counter[str] = field(default_factory=Counter)


def fields(data: bytes) -> list[tuple[str, str, int]]:
    """(marker, value, line) with continuation lines joined on, as SFM defines them."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    out: list[tuple[str, str, int]] = []
    for n, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        m = FIELD.match(line)
        if m:
            out.append((m.group(1), m.group(2) or "", n))
        elif line.strip() and out:
            marker, value, first = out[-1]
            out[-1] = (marker, f"{value} {line.strip()}", first)
    return out


def split_records(
    items: list[tuple[str, str, int]], starts: set[str]
) -> list[list[tuple[str, str, int]]]:
    records: list[list[tuple[str, str, int]]] = []
    for item in items:
        if item[0] in starts or not records:
            records.append([])
        records[-1].append(item)
    return records


def morph_pieces(value: str) -> int:
    """Morphs on a morpheme line: each token split at - and =, lone markers not counted."""
    return sum(len(re.findall(r"[^-=]+", tok)) for tok in value.split())
