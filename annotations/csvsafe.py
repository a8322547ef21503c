"""CSV cells that are safe to open in a spreadsheet, and read back unchanged.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets (CSV injection). As OWASP recommends, such a cell is
written with a leading single quote, which spreadsheets show as text and do not evaluate; the
csv module already quotes and doubles the ``"`` inside cells.

Two exceptions keep the files useful and the round trips exact:

* a cell that is a plain number (``-1``, ``-0.25``, ``+3e-2``) is written as it is: no
  spreadsheet evaluates a number, and the affect files use ``-1`` for "unscorable";
* a cell that already begins with quotes followed by one of those characters (``'=x``) gets one
  more quote, so that :func:`unescape_cell` removing exactly one leading quote from any cell of
  the form ``'+`` then a trigger character gives back every value that was written.

:class:`SafeWriter` also quotes a cell holding a bare carriage return, which Python 3.11's csv
writer leaves unquoted with ``lineterminator="\\n"`` (the file could then not be read back).

Readers of our own CSV call :func:`unescape_cell` on every text cell. So a value such as the
suffix ``-ar`` is exported as ``'-ar`` and imported as ``-ar``. A cell written by another tool
that begins with an apostrophe followed by a trigger character loses that one apostrophe on
import; an apostrophe before anything else (``'a``, common in orthographies) is kept.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Final, Protocol

TRIGGERS: Final = frozenset("=+-@\t\r")
_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ESCAPED: Final = re.compile(r"'+[=+\-@\t\r]")
_FIRST: Final = frozenset([*TRIGGERS, "'"])


def escape_cell(value: object) -> object:
    """``value`` as written to a CSV cell: non-strings unchanged, risky strings quoted."""
    if not isinstance(value, str) or not value or value[0] not in _FIRST:
        return value
    if value[0] == "'":
        return "'" + value if _ESCAPED.match(value) else value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def unescape_cell(value: str) -> str:
    """The value :func:`escape_cell` was given (one leading quote dropped where it added one)."""
    if value[:1] == "'" and _ESCAPED.match(value):
        return value[1:]
    return value


def escape_row(row: Iterable[object]) -> list[object]:
    return [escape_cell(cell) for cell in row]


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


class SafeWriter:
    """``csv.writer(buffer, lineterminator="\\n")`` with every cell passed through
    :func:`escape_cell`; a row with a carriage return in a cell is written fully quoted."""

    def __init__(self, buffer: _Writable) -> None:
        self._minimal = csv.writer(buffer, lineterminator="\n")
        self._quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]) -> None:
        cells = escape_row(row)
        if any(isinstance(cell, str) and "\r" in cell for cell in cells):
            self._quoted.writerow(cells)
        else:
            self._minimal.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
