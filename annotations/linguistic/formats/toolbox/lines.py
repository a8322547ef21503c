"""Standard-format lines and records, read a buffer at a time.

Lines are decoded one by one, so a file with a few Windows-1252 lines among UTF-8 ones (an old
Shoebox edit) is either refused naming each such line or, in tolerant mode, read with those
lines repaired and each repair reported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from annotations.xmlsafe import DEFAULT_MAX_BYTES, Problem, Readable, SizeGuard

Decoding = Literal["strict", "tolerant"]

_MARKER = re.compile(r"\\(\S+)")


@dataclass(slots=True)
class Line:
    number: int
    text: str
    # A repaired line was written in a single-byte code page, so its columns are characters.
    repaired: bool = False


@dataclass(slots=True)
class Field:
    marker: str
    value: str
    line: int
    repaired: bool = False


@dataclass(slots=True)
class Record:
    fields: list[Field] = field(default_factory=list)


def read_lines(
    source: Readable,
    problems: list[Problem],
    *,
    decoding: Decoding = "strict",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Line]:
    """Each line without its ending (CRLF, LF or CR), BOM dropped.

    A line that is not UTF-8 is read as Windows-1252: a warning in tolerant mode, an error
    (reported, reading goes on so every such line is listed) in strict mode.
    """
    n = 0
    pending = b""
    for raw in io.BufferedReader(SizeGuard(source, max_bytes)):
        chunk = pending + raw
        pending = b""
        # A lone CR ends a line too (old Mac files); a CR at the end of a buffer may be the
        # first half of a CRLF.
        if chunk.endswith(b"\r"):
            pending, chunk = b"\r", chunk[:-1]
            if not chunk:
                continue
        for piece in chunk.replace(b"\r\n", b"\n").split(b"\r") if b"\r" in chunk else [chunk]:
            n += 1
            yield _decode(piece, n, problems, decoding)
    if pending:
        n += 1
        yield _decode(pending, n, problems, decoding)


def _decode(raw: bytes, n: int, problems: list[Problem], decoding: Decoding) -> Line:
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if n == 1 and body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return Line(n, body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        text = body.decode("cp1252", errors="replace")
        if decoding == "tolerant":
            problems.append(
                Problem(f"not UTF-8 ({exc.reason}); read as Windows-1252", n, warning=True)
            )
        else:
            problems.append(
                Problem(
                    f"not UTF-8 ({exc.reason} at byte {exc.start}); import with tolerant "
                    "decoding to read it as Windows-1252",
                    n,
                )
            )
        return Line(n, text, repaired=True)


def records(
    lines: Iterable[Line],
    record_markers: frozenset[str],
    header: list[Field],
) -> Iterator[Record]:
    """Group fields into records: a record marker starts one (or, with no record markers, a
    blank line ends one). Fields before the first record marker that start with ``\\_``
    (``\\_sh``, ``\\_DateStampHasFourDigitYear``) are the file header and go to ``header``."""
    rec = Record()
    started = False
    for line in lines:
        text = line.text
        if not text.strip():
            if rec.fields and not record_markers:
                yield rec
                rec = Record()
            continue
        m = _MARKER.match(text)
        if m is None:
            # A continuation line: Toolbox wraps long values.
            if rec.fields:
                rec.fields[-1].value += " " + text.strip()
            continue
        marker = m.group(1)
        # Keep the value exactly after the one separating space, so columns stay where they are.
        value = text[m.end() + 1 :] if text[m.end() : m.end() + 1] in (" ", "\t") else ""
        value = value.rstrip("\r")
        if not started and marker.startswith("_") and not rec.fields:
            header.append(Field(marker, value, line.number, line.repaired))
            continue
        started = True
        if marker in record_markers and rec.fields:
            yield rec
            rec = Record()
        rec.fields.append(Field(marker, value, line.number, line.repaired))
    if rec.fields:
        yield rec
