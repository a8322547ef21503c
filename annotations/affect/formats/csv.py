"""CSV import/export: segment-level (one row per segment) and frame-level (OpenFace-style).

Segment CSV columns: ``annotator, layer_id, t0_ms, t1_ms, emotion, valence, arousal, AU1, AU2,
…, note``. An AU cell holds the intensity code (``1``..``5`` for A..E, ``0`` absent, ``-1``
unscorable); an empty cell means the segment does not label that AU.

Frame CSV (one file per layer) uses OpenFace 2 column names so that OpenFace output imports
directly as a ``model`` layer: ``frame`` (1-based), ``timestamp`` (s), ``AU01_r`` (intensity
0-5), ``AU01_c`` (occurrence 0/1), …, ``valence``, ``arousal``. Empty cells are "not coded";
``-1`` in both AU columns is unscorable. On import ``_r`` is authoritative; an AU with only a
``_c`` column (OpenFace's AU28) is read as intensity 0/1; OpenFace's ``success == 0`` rows are
unscorable. Other non-AU columns (``face_id``, ``confidence``, gaze, pose…) are ignored.

Writers are generators of ``str`` chunks so a view can stream an hour of frames. Text cells are
neutralised against spreadsheet formulas and restored on reading (``annotations/csvsafe.py``);
frame rows hold only numbers.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import numpy as np

from annotations.affect.model import FloatArray, Layer, LayerKind, Segment, Trace
from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    DIMENSIONS,
    UNSCORABLE,
    AffectSchema,
    ValidationError,
    au_code,
)
from annotations.csvsafe import SafeWriter, unescape_cell

CHUNK_ROWS: Final = 2000
_SEGMENT_FIXED: Final = ("annotator", "layer_id", "t0_ms", "t1_ms", "emotion")
_OPENFACE_AU = re.compile(r"^AU([0-9]+)_([rc])$")


def _lines(source: bytes | str | Iterable[str]) -> Iterable[str]:
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    if isinstance(source, str):
        return io.StringIO(source, newline="")
    return source


def _chunk(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(rows)
    return buffer.getvalue()


def _number(value: float) -> str:
    if math.isnan(value):
        return ""
    if value == int(value):
        return str(int(value))
    return repr(value)


# --- segments ------------------------------------------------------------------------------


def segment_columns(schema: AffectSchema = DEFAULT_SCHEMA) -> list[str]:
    return [*_SEGMENT_FIXED, *schema.dimensions, *schema.au_codes, "note"]


def write_segments_csv(
    layers: Sequence[Layer], schema: AffectSchema = DEFAULT_SCHEMA
) -> Iterator[str]:
    """Rows sorted by layer order then time; one chunk per :data:`CHUNK_ROWS` rows."""
    columns = segment_columns(schema)
    yield _chunk([columns])
    rows: list[list[str]] = []
    for layer in layers:
        layer.validate(schema)
        for s in sorted(layer.segments, key=lambda s: (s.t0_ms, s.t1_ms)):
            row = [layer.annotator, layer.layer_id, str(s.t0_ms), str(s.t1_ms), s.emotion or ""]
            row += [_number(s.dimensions.get(d, math.nan)) for d in schema.dimensions]
            row += [str(s.aus[au]) if au in s.aus else "" for au in schema.au_codes]
            row.append(s.note)
            rows.append(row)
            if len(rows) >= CHUNK_ROWS:
                yield _chunk(rows)
                rows = []
    if rows:
        yield _chunk(rows)


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(where, f"{text!r} is not an integer") from None


def _float(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(where, f"{text!r} is not a number") from None
    if math.isnan(value):
        raise ValidationError(where, "NaN is not a value; leave the cell empty")
    return value


def read_segments_csv(
    source: bytes | str | Iterable[str],
    *,
    video_id: str,
    schema: AffectSchema = DEFAULT_SCHEMA,
    duration_ms: int | None = None,
) -> list[Layer]:
    """Layers (in order of first appearance of each annotator) from a segment CSV."""
    reader = csv.reader(_lines(source))
    header = next(reader, None)
    if header is None:
        raise ValidationError("file", "the CSV is empty")
    names = [h.strip() for h in header]
    for required in ("annotator", "t0_ms", "t1_ms"):
        if required not in names:
            raise ValidationError("header", f"missing column {required!r}")
    au_columns: dict[int, str] = {}
    for i, name in enumerate(names):
        if name in (*_SEGMENT_FIXED, *DIMENSIONS, "note"):
            continue
        if not name.upper().startswith("AU"):
            raise ValidationError("header", f"unknown column {name!r}")
        au_columns[i] = schema.validate_au(name, field=f"column {name}")
    col = {name: i for i, name in enumerate(names)}
    layers: dict[str, Layer] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise ValidationError(f"row {number}", f"has {len(row)} cells, header has {len(names)}")

        def cell(name: str, row: list[str] = row) -> str:
            return unescape_cell(row[col[name]].strip()) if name in col else ""

        annotator = cell("annotator")
        if not annotator:
            raise ValidationError(f"row {number}.annotator", "is empty")
        segment = Segment(
            _int(cell("t0_ms"), f"row {number}.t0_ms"), _int(cell("t1_ms"), f"row {number}.t1_ms")
        )
        segment.emotion = cell("emotion") or None
        segment.note = unescape_cell(row[col["note"]]) if "note" in col else ""
        for d in DIMENSIONS:
            if cell(d):
                segment.dimensions[d] = _float(cell(d), f"row {number}.{d}")
        for i, au in au_columns.items():
            if row[i].strip():
                segment.aus[au] = _int(row[i].strip(), f"row {number}.{names[i]}")
        try:
            segment.validate(schema, duration_ms, where=f"row {number}")
        except ValidationError:
            raise
        layer = layers.get(annotator)
        if layer is None:
            layer = layers[annotator] = Layer(
                layer_id=cell("layer_id") or f"{video_id}:{annotator}",
                video_id=video_id,
                annotator=annotator,
                schema_version=schema.version,
            )
        layer.segments.append(segment)
    return list(layers.values())


# --- frames --------------------------------------------------------------------------------


def openface_name(au: str, suffix: str) -> str:
    """``AU1`` -> ``AU01_r``."""
    return f"AU{int(au_code(au)[2:]):02d}_{suffix}"


def _layer_aus(layer: Layer, schema: AffectSchema) -> list[str]:
    traced = [au for au in schema.au_codes if au in layer.traces]
    return traced or list(schema.au_codes)


def write_frames_csv(
    layer: Layer,
    fps: float,
    n_frames: int,
    *,
    aus: Sequence[str] | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
) -> Iterator[str]:
    """One layer as OpenFace-style frame rows; AUs default to the layer's traced ones."""
    codes = list(aus) if aus is not None else _layer_aus(layer, schema)
    header = ["frame", "timestamp"]
    columns: list[list[str]] = [
        [str(i + 1) for i in range(n_frames)],
        [f"{i / fps:.3f}" for i in range(n_frames)],
    ]
    cache: dict[float, str] = {}

    def text(values: FloatArray) -> list[str]:
        out = []
        for v in values.tolist():
            s = cache.get(v)
            if s is None:
                s = cache[v] = _number(v)
            out.append(s)
        return out

    for au in codes:
        r = layer.frames(au, fps, n_frames, schema)
        c = np.where(np.isnan(r), np.nan, np.where(r == UNSCORABLE, UNSCORABLE, r >= 1))
        header += [openface_name(au, "r"), openface_name(au, "c")]
        columns += [text(r), text(c.astype(np.float64))]
    for d in schema.dimensions:
        header.append(d)
        columns.append(text(layer.frames(d, fps, n_frames, schema)))
    yield ",".join(header) + "\n"
    rows = list(zip(*columns, strict=True))
    for start in range(0, n_frames, CHUNK_ROWS):
        yield "".join(",".join(r) + "\n" for r in rows[start : start + CHUNK_ROWS])


def read_frames_csv(
    source: bytes | str | Iterable[str],
    *,
    fps: float,
    layer_id: str,
    video_id: str,
    annotator: str,
    kind: LayerKind = "coder",
    n_frames: int | None = None,
    schema: AffectSchema = DEFAULT_SCHEMA,
    ignore_unknown_aus: bool = False,
) -> Layer:
    """A layer with one trace per AU / dimension column found in the file.

    ``fps`` is the video's (from :func:`annotations.affect.media.probe`): OpenFace rounds
    timestamps to ms, too coarse to recover the rate from. Pass ``ignore_unknown_aus`` for
    OpenFace output, which has AU45 (blink) that the default schema does not.
    """
    reader = csv.reader(_lines(source), skipinitialspace=True)
    header = next(reader, None)
    if header is None:
        raise ValidationError("file", "the CSV is empty")
    names = [h.strip() for h in header]
    col = {name: i for i, name in enumerate(names)}
    if "frame" not in col and "timestamp" not in col:
        raise ValidationError("header", "needs a 'frame' or a 'timestamp' column")
    r_cols: dict[str, int] = {}
    c_cols: dict[str, int] = {}
    for i, name in enumerate(names):
        match = _OPENFACE_AU.match(name)
        if match is None:
            if name.upper().startswith("AU") and not ignore_unknown_aus:
                raise ValidationError("header", f"column {name!r} is not like 'AU12_r'/'AU12_c'")
            continue
        code = f"AU{int(match.group(1))}"
        if code not in schema.au_codes:
            if ignore_unknown_aus:
                continue
            raise ValidationError(f"column {name}", f"unknown Action Unit {code!r}")
        (r_cols if match.group(2) == "r" else c_cols)[code] = i
    dims = {d: col[d] for d in schema.dimensions if d in col}
    tracks = {**{au: r_cols.get(au, c_cols.get(au, -1)) for au in {*r_cols, *c_cols}}, **dims}
    success = col.get("success")

    indices: list[int] = []
    cells: list[list[str]] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise ValidationError(f"row {number}", f"has {len(row)} cells, header has {len(names)}")
        if "frame" in col:
            index = _int(row[col["frame"]].strip(), f"row {number}.frame") - 1
        else:
            index = round(_float(row[col["timestamp"]].strip(), f"row {number}.timestamp") * fps)
        if index < 0:
            raise ValidationError(f"row {number}.frame", "frames are numbered from 1")
        indices.append(index)
        cells.append(row)
    length = n_frames if n_frames is not None else (max(indices) + 1 if indices else 0)
    idx = np.array(indices, dtype=np.int64)
    if idx.size and idx.max() >= length:
        raise ValidationError("frame", f"frame {idx.max() + 1} is beyond {length} frames")
    failed = np.zeros(len(cells), dtype=bool)
    if success is not None:
        failed = np.array([row[success].strip() == "0" for row in cells], dtype=bool)
    traces: dict[str, Trace] = {}
    for track, i in sorted(tracks.items()):
        name = names[i]
        raw = [row[i].strip() for row in cells]
        try:
            parsed = np.array([float(v) if v else math.nan for v in raw], dtype=np.float64)
        except ValueError:
            bad = next(n for n, v in enumerate(raw) if v and not _is_float(v))
            raise ValidationError(
                f"row {bad + 2}.{name}", f"{raw[bad]!r} is not a number"
            ) from None
        if track not in DIMENSIONS:
            parsed[failed] = UNSCORABLE
        values = np.full(length, np.nan)
        values[idx] = parsed
        if np.isnan(values).all():
            continue
        trace = Trace(track, fps, values)
        trace.validate(schema, where=f"column {name}")
        traces[track] = trace
    return Layer(
        layer_id=layer_id,
        video_id=video_id,
        annotator=annotator,
        kind=kind,
        schema_version=schema.version,
        traces=traces,
    )


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
