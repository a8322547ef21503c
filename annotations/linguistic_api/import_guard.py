"""Around every linguistic import, whatever its reader: refuse a file that is plainly another
format before reading it, and turn any failure into a problem report with a line and a reason.

Readers report what they recognise as wrong (``FormatError`` with lines); this module is for the
rest: an exception that escapes a reader or the database (a CSV field over the csv module's
limit, nesting past the recursion limit, a batch the database refuses). Its traceback goes to the
log only; the job's error, which every viewer of the project can read, gets the report.
"""

from __future__ import annotations

import codecs
import csv
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, Final

from pymongo.errors import BulkWriteError, PyMongoError

from annotations.linguistic_api.services import ImportFailed
from fieldmark.api.errors import DomainError

logger = logging.getLogger(__name__)

SNIFF_BYTES: Final = 4096
XML_ROOTS: Final = {"lift": "lift", "flextext": "document", "eaf": "ANNOTATION_DOCUMENT"}
_ROOT_FORMAT: Final = {root.lower(): fmt for fmt, root in XML_ROOTS.items()}
_NAMES: Final = {"toolbox": "Toolbox", "lift": "LIFT", "flextext": "FLEx (.flextext)",
                 "eaf": "ELAN (.eaf)", "csv": "CSV", "json": "JSON Lines"}  # fmt: skip

Opener = Callable[[], AbstractContextManager[Any]]


def _refuse(detail: str) -> ImportFailed:
    return ImportFailed(detail, [{"line": 1, "element": None, "problem": detail}])


def _xml_root(text: str) -> str | None:
    """The root element's local name, skipping the declaration, comments and a DOCTYPE."""
    rest = text
    while True:
        rest = rest.lstrip()
        if rest.startswith("<?"):
            end = rest.find("?>")
        elif rest.startswith("<!--"):
            end = rest.find("-->")
        elif rest.startswith("<!"):
            end = rest.find(">")
        else:
            break
        if end < 0:
            return None
        rest = rest[end + 2 :]
    if not rest.startswith("<"):
        return None
    name = rest[1:].split(maxsplit=1)[0] if len(rest) > 1 else ""
    name = name.split(">", 1)[0].split("/", 1)[0]
    return name.rsplit(":", 1)[-1] or None


def sniff(open_file: Opener, fmt: str) -> None:
    """Refuse (an ImportFailed on line 1) a file whose first bytes are plainly another format
    than ``fmt``: XML sent as Toolbox, CSV or JSON, another XML format than the one chosen,
    or text sent as an XML format. Anything less plain is left to the reader."""
    with open_file() as handle:
        head_bytes = handle.read(SNIFF_BYTES)
    text = codecs.decode(head_bytes, "utf-8", "replace").lstrip("\ufeff").lstrip()
    if not text:
        return
    chosen = _NAMES.get(fmt, fmt)
    root = _xml_root(text) if text.startswith("<") else None
    found = _ROOT_FORMAT.get(root.lower()) if root else None
    if fmt in XML_ROOTS:
        if not text.startswith("<"):
            raise _refuse(f"This is not an XML file, so it cannot be {chosen}.")
        if found is not None and found != fmt:
            raise _refuse(
                f"This looks like a {_NAMES[found]} file (root element <{root}>), not "
                f"{chosen}: import it as {found}."
            )
        if root and root.lower() != XML_ROOTS[fmt].lower():
            raise _refuse(f"{chosen} files have the root element <{XML_ROOTS[fmt]}>, not <{root}>.")
        return
    if text.startswith("<"):
        what = f"a {_NAMES[found]} file" if found else "an XML file"
        hint = f": import it as {found}" if found else ""
        raise _refuse(f"This looks like {what}, not {chosen}{hint}.")
    if fmt in ("toolbox", "csv") and text[0] in "{[":
        raise _refuse(f"This looks like JSON, not {chosen}: import it as json.")
    if fmt == "json" and text[0] not in "{[":
        raise _refuse("A JSON Lines file has one JSON object per line, starting with '{'.")


class _Tracked:
    """The upload as the reader sees it, remembering how far it has read."""

    def __init__(self, raw: Any, tracker: _Opened) -> None:
        self._raw = raw
        self._tracker = tracker

    def read(self, size: int = -1, /) -> bytes:
        data: bytes = self._raw.read(size)
        self._tracker.offset = max(self._tracker.offset, self._raw.tell())
        return data

    def readinto(self, buffer: Any, /) -> int:
        count: int = self._raw.readinto(buffer)
        self._tracker.offset = max(self._tracker.offset, self._raw.tell())
        return count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __enter__(self) -> _Tracked:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._raw.close()


class _Opened:
    def __init__(self, open_file: Opener) -> None:
        self.open_file = open_file
        self.offset = 0

    def __call__(self) -> _Tracked:
        self.offset = 0
        raw = self.open_file().__enter__()
        return _Tracked(raw, self)

    def line_at(self) -> int:
        """The line at the furthest byte read (readers read ahead: the line is approximate)."""
        lines = 1
        remaining = self.offset - 1  # the last byte read is on the line, its newline is not
        with self.open_file() as handle:
            while remaining > 0:
                block: bytes = handle.read(min(remaining, 1 << 20))
                if not block:
                    break
                lines += block.count(b"\n")
                remaining -= len(block)
        return lines


def _reason(exc: BaseException) -> str:
    if isinstance(exc, csv.Error):
        return f"the CSV cannot be read ({exc})"
    if isinstance(exc, RecursionError):
        return "the data is nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "a line or element is too large to read"
    if isinstance(exc, UnicodeError):
        return "the file is not UTF-8 text"
    if isinstance(exc, BulkWriteError):
        errors = exc.details.get("writeErrors") or [{}]
        message = str(errors[0].get("errmsg", "write error"))[:200]
        return f"the database refused a record ({message})"
    if isinstance(exc, PyMongoError):
        return "the document store did not answer; run the import again"
    return f"the file could not be read ({type(exc).__name__})"


@contextmanager
def guarded(open_file: Opener, job_id: str) -> Iterator[Opener]:
    """Yield an opener to read the upload through; any failure that is not already a report
    becomes an ImportFailed with the line reached and the reason, its traceback logged."""
    opened = _Opened(open_file)
    try:
        yield opened
    except DomainError:
        raise
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        try:
            line: int | None = opened.line_at()
        except Exception:
            line = None
        reason = _reason(exc)
        where = f"line {line}: " if line is not None else ""
        raise ImportFailed(
            f"{where}{reason}", [{"line": line, "element": None, "problem": reason}]
        ) from None
