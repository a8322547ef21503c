"""Both affect CSV writers are safe to open in a spreadsheet (OWASP formula neutralisation) and
the segment reader gives back values that legitimately begin with ``-`` or ``=``."""

from __future__ import annotations

import csv
import io

from annotations.affect.formats.csv import (
    read_segments_csv,
    write_frames_csv,
    write_segments_csv,
)
from annotations.affect.model import Layer, Segment, Trace

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _risky(cell: str) -> bool:
    if cell[:1] not in TRIGGERS:
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_segment_rows_neutralise_formulas_and_read_back_exactly() -> None:
    layers = [
        Layer(
            "=L1",
            "V",
            "@coder",
            segments=[
                Segment(0, 100, {"AU43": -1}, None, {"valence": -0.5}, "=cmd|' /C calc'!A0"),
                Segment(100, 200, {}, None, {}, "-looks away"),
                Segment(200, 300, {}, None, {}, "\t+tab"),
            ],
        )
    ]
    text = "".join(write_segments_csv(layers))
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    cells = [cell for row in rows for cell in row]

    assert [cell for cell in cells if _risky(cell)] == []
    assert rows[0][:2] == ["'@coder", "'=L1"]
    assert rows[0][-1] == "'=cmd|' /C calc'!A0"
    assert "-1" in rows[0] and "-0.5" in rows[0]  # numbers are left as numbers
    assert read_segments_csv(text.encode(), video_id="V") == layers


def test_frame_rows_hold_only_numbers() -> None:
    layer = Layer(
        "=L", "V", "=coder", traces={"AU1": Trace("AU1", 30.0, [-1, 0, 2.5, None])}
    )
    rows = list(csv.reader(io.StringIO("".join(write_frames_csv(layer, 30.0, 4)))))

    for row in rows[1:]:
        for cell in row:
            assert cell == "" or float(cell) == float(cell)
    assert [cell for row in rows for cell in row if _risky(cell)] == []
