"""Imports: checked uploads, previews, the readers per format and the all-or-nothing write."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from annotations.linguistic.formats import csv as csv_format
from annotations.linguistic.formats import eaf, flextext, lift, toolbox
from annotations.linguistic.formats import json as json_format
from annotations.linguistic.lexicon_parts import LexiconHeader
from annotations.linguistic.model import LexicalEntry, Text, Utterance
from annotations.linguistic_api import documents, staging
from annotations.linguistic_api.services.common import (
    IMPORT_BATCH,
    TEXT_FIELDS,
    _only,
    _stored_entry,
)
from annotations.linguistic_api.services.events import _bulk_event
from annotations.linked_api import sync as linked_sync
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, Source, errors_only
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id

MAX_IMPORT_BYTES = DEFAULT_MAX_BYTES
IMPORT_FORMATS = ("toolbox", "mdf", "lift", "flextext", "csv", "json", "eaf")


def check_upload_size(size: int) -> None:
    if size > MAX_IMPORT_BYTES:
        raise DomainError(
            "file_too_large",
            f"The file has {size:,} bytes; imports may have at most {MAX_IMPORT_BYTES:,}.",
            field="file",
            status_code=413,
        )


def start_import(
    user: User,
    project: Project,
    upload: UploadedFile,
    fmt: str,
    mapping: Mapping[str, Any] | None = None,
) -> Job:
    """Save the upload under MEDIA_ROOT/imports/ and start a ``linguistic.import`` job.

    An ELAN file needs a tier ``mapping``; it is checked against the file's tiers here, so a
    wrong tier name is a 400 naming ``mapping`` rather than a failed job.
    """
    check_upload_size(upload.size or 0)
    params: dict[str, Any] = {"format": fmt}
    if fmt == "eaf":
        params["mapping"] = _checked_mapping(mapping, eaf_tiers(upload))
        upload.seek(0)
    elif fmt in ("toolbox", "mdf") and mapping:
        params["mapping"] = toolbox_options(mapping)
    name = Path(upload.name or "upload").name
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}-{name}", upload)
    return start_job(user, project, "linguistic.import", {**params, "path": stored, "name": name})


def eaf_tiers(upload: UploadedFile) -> list[eaf.TierInfo]:
    """The tiers of an ELAN file, for a user to choose a mapping."""
    check_upload_size(upload.size or 0)
    try:
        return eaf.tier_summary(upload)
    except FormatError as exc:
        raise DomainError("invalid_file", str(exc.problems[0]), field="file") from exc


def eaf_preview(
    upload: UploadedFile, mapping: Mapping[str, Any] | None, records: int = 5
) -> dict[str, Any]:
    """The first utterances of an ELAN upload as the import would read them with ``mapping``,
    and what the reader could not place (the same checks as the import: a tier the file lacks
    is a 400 naming ``mapping``)."""
    checked = _checked_mapping(mapping, eaf_tiers(upload))
    upload.seek(0)
    problems: list[Problem] = []
    stem = Path(upload.name or "upload").stem
    items = eaf.iter_texts(upload, _tier_mapping(checked), problems, text_id=stem, title=stem)
    try:
        shown = [item.to_doc() for item in islice(
            (item for item in items if isinstance(item, Utterance)), records
        )]  # fmt: skip
    except FormatError as exc:
        raise DomainError("invalid_file", str(exc.problems[0]), field="file") from exc
    return {"utterances": shown, "problems": warning_report(problems)}


def _tier_mapping(mapping: Mapping[str, Any]) -> eaf.TierMapping:
    if not isinstance(mapping, Mapping):
        raise DomainError("invalid", "A tier mapping is an object.", field="mapping")
    # Tier ids are strings: anything else would fail later, as a 500, inside the reader.
    for role, tier in mapping.items():
        if role in ("translations", "tiers"):
            if not isinstance(tier, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in tier.items()
            ):
                raise DomainError(
                    "invalid", f"{role} maps names to tier ids (strings).",
                    field=f"mapping.{role}",
                )  # fmt: skip
        elif tier is not None and not isinstance(tier, str):
            raise DomainError(
                "invalid", f"{role} must be a tier id (a string), got {tier!r}.",
                field=f"mapping.{role}",
            )  # fmt: skip
    try:
        return eaf.TierMapping(**mapping)
    except TypeError as exc:
        raise DomainError("invalid", f"Not a tier mapping: {exc}", field="mapping") from exc


def _checked_mapping(
    mapping: Mapping[str, Any] | None, tiers: list[eaf.TierInfo]
) -> dict[str, Any]:
    if not mapping:
        raise DomainError("invalid", "An ELAN import needs a tier mapping.", field="mapping")
    known = {tier.id for tier in tiers}
    unknown = [f"{tier!r} ({role})" for role, tier in _tier_mapping(mapping).roles()
               if tier not in known]  # fmt: skip
    if unknown:
        raise DomainError(
            "invalid",
            f"No tier {', '.join(unknown)} in the file; it has {', '.join(sorted(known))}.",
            field="mapping",
        )
    return dict(mapping)


def toolbox_options(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The Toolbox import options (marker mapping, decoding, column unit), checked here so a
    bad mapping is a 400 naming ``mapping`` rather than a failed job."""
    unknown = sorted(set(mapping) - {"markers", "decoding", "alignment"})
    if unknown:
        raise DomainError("invalid", f"Unknown option(s) {', '.join(unknown)}.", field="mapping")
    if mapping.get("decoding", "strict") not in ("strict", "tolerant"):
        raise DomainError("invalid", "decoding is strict or tolerant.", field="mapping")
    if mapping.get("alignment") not in (None, "bytes", "characters"):
        raise DomainError("invalid", "alignment is bytes or characters.", field="mapping")
    markers = mapping.get("markers")
    if markers is not None and markers != "mdf":
        try:
            toolbox.marker_map(markers)
        except (ValueError, TypeError) as exc:
            raise DomainError("invalid", f"Not a marker mapping: {exc}", field="mapping") from exc
    return dict(mapping)


def toolbox_preview(
    upload: UploadedFile, mapping: Mapping[str, Any] | None, records: int = 5
) -> dict[str, Any]:
    """The first records of a Toolbox/MDF upload as the import would read them."""
    check_upload_size(upload.size or 0)
    opts = toolbox_options(mapping or {})
    markers = opts.get("markers")
    try:
        return toolbox.preview(
            upload,
            markers=markers,
            alignment=opts.get("alignment"),
            decoding=opts.get("decoding", "strict"),
            records=records,
        )
    except FormatError as exc:
        raise DomainError("invalid_file", str(exc.problems[0]), field="file") from exc


class ImportFailed(DomainError):
    """A file a user must fix; ``report`` lists each problem with its line."""

    def __init__(self, detail: str, report: list[dict[str, Any]]) -> None:
        super().__init__("invalid_file", detail, field="file")
        self.report = report


PROGRESS_EVERY = 500  # items read between progress reports
# Readers that read the file twice in one pass (FLEx heads come after their phrases).
READS_PER_PASS = {"flextext": 2}

Opener = Callable[[], AbstractContextManager[Source]]
PassProgress = Callable[[float], None]
ImportItem = Text | Utterance | LexicalEntry | LexiconHeader


@dataclass
class ImportBatch:
    """Documents of one write: at most ``IMPORT_BATCH`` utterances or entries, and the texts
    that start among them."""

    texts: list[Doc]
    utterances: list[Doc]
    entries: list[Doc]


def _quiet(fraction: float) -> None:
    """No progress reports (imports outside a job)."""


class _Meter:
    """Counts the bytes a reader takes from the upload, so progress is the share read."""

    def __init__(self, raw: Source) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.raw.seek(offset, whence)


def _reader(
    source: Source,
    fmt: str,
    name: str,
    mapping: Mapping[str, Any] | None,
    problems: list[Problem],
) -> Iterator[ImportItem]:
    stem = Path(name).stem
    if fmt == "eaf":
        mapped = _tier_mapping(mapping or {})
        return eaf.iter_texts(source, mapped, problems, text_id=stem, title=stem)
    if fmt == "lift":
        return lift.iter_lexicon(source, problems)
    if fmt == "mdf" or (fmt == "toolbox" and (mapping or {}).get("markers") == "mdf"):
        tolerant = (mapping or {}).get("decoding") == "tolerant"
        return toolbox.mdf.iter_entries(
            source, problems, decoding="tolerant" if tolerant else "strict"
        )
    if fmt == "toolbox":
        opts = mapping or {}
        return toolbox.iter_texts(
            source,
            problems,
            text_id=stem,
            title=stem,
            markers=opts.get("markers"),
            alignment=opts.get("alignment"),
            decoding=opts.get("decoding", "strict"),
        )
    if fmt == "flextext":
        return flextext.iter_texts(source, problems)
    if fmt == "csv":
        return csv_format.iter_texts(source, problems)
    if fmt == "json":
        return json_format.iter_texts(source, problems)
    raise ImportFailed(f"Unknown format {fmt!r}.", [{"problem": f"unknown format {fmt}"}])


def _failed(problems: list[Problem]) -> ImportFailed:
    # Warnings (repaired lines, partly glossed records) do not fail an import; listed with
    # the errors when something else does, so the user sees everything at once.
    errors = errors_only(problems)
    report = [
        {"line": p.line, "element": p.element, "problem": p.message}
        | ({"warning": True} if p.warning else {})
        for p in problems
    ]
    return ImportFailed(str((errors or problems)[0]), report)


def warning_report(problems: list[Problem]) -> list[dict[str, Any]]:
    """What an import could not place, by line or element (kept in the job's result)."""
    return [{"line": p.line, "element": p.element, "problem": p.message} for p in problems]


def _read_upload(
    open_file: Opener,
    fmt: str,
    name: str,
    mapping: Mapping[str, Any] | None,
    problems: list[Problem],
    progress: PassProgress,
) -> Iterator[ImportItem]:
    """One pass over the upload, an item at a time; a problem that stops the reader (malformed
    XML) is an ImportFailed listing it after those found before it."""
    with open_file() as handle:
        size = max(handle.seek(0, io.SEEK_END), 1) * READS_PER_PASS.get(fmt, 1)
        handle.seek(0)
        meter = _Meter(handle)
        try:
            for n, item in enumerate(_reader(meter, fmt, name, mapping, problems), start=1):
                if n % PROGRESS_EVERY == 0:
                    progress(min(meter.count / size, 1.0))
                yield item
        except FormatError as exc:
            raise _failed([*problems, *exc.problems]) from exc
    progress(1.0)


def check_import(
    open_file: Opener,
    fmt: str,
    name: str,
    mapping: Mapping[str, Any] | None = None,
    progress: PassProgress = _quiet,
) -> list[Problem]:
    """The first pass of an import: read the whole upload and raise ImportFailed listing every
    problem with its line or element; return the warnings. Nothing is kept, so memory stays
    flat."""
    problems: list[Problem] = []
    for _ in _read_upload(open_file, fmt, name, mapping, problems, progress):
        pass
    if errors_only(problems):
        raise _failed(problems)
    return problems


def import_batches(
    open_file: Opener,
    fmt: str,
    name: str,
    job_id: str,
    mapping: Mapping[str, Any] | None = None,
    progress: PassProgress = _quiet,
    size: int = IMPORT_BATCH,
    *,
    warnings: list[Problem] | None = None,
    headers: list[LexiconHeader] | None = None,
    default_lang: str | None = None,
) -> Iterator[ImportBatch]:
    """The second pass: the documents to store, read from the upload again a batch at a time,
    each tagged with ``import_job``; a lexicon's header goes to ``headers`` (stored once the
    import commits). Raises ImportFailed if the file turns out to have problems (it was not
    checked, or it changed). A text whose file names no language gets ``default_lang`` (the
    project's first object language)."""
    problems: list[Problem] = []
    batch = ImportBatch([], [], [])
    text_id = ""
    for item in _read_upload(open_file, fmt, name, mapping, problems, progress):
        if isinstance(item, Text):
            text_id = new_id()
            batch.texts.append(_text_doc(item, text_id, job_id, default_lang))
        elif isinstance(item, LexiconHeader):
            if headers is not None:
                headers.append(item)
            continue
        elif isinstance(item, Utterance):
            batch.utterances.append(
                {**item.to_doc(), "_id": new_id(), "text": text_id, "import_job": job_id}
            )
        else:
            batch.entries.append(_entry_doc(item, job_id))
        if len(batch.utterances) + len(batch.entries) >= size:
            yield batch
            batch = ImportBatch([], [], [])
    if errors_only(problems):
        raise _failed(problems)
    if warnings is not None:
        warnings.extend(problems)
    if batch.texts or batch.utterances or batch.entries:
        yield batch


def _text_doc(text: Text, text_id: str, job_id: str, default_lang: str | None = None) -> Doc:
    head = {key: value for key, value in text.to_doc().items() if key != "utterances"}
    if not head.get("lang") and default_lang:
        head["lang"] = default_lang
    return {**_only(head, TEXT_FIELDS), "_id": text_id, "source_id": text.id, "import_job": job_id}


def _entry_doc(entry: LexicalEntry, job_id: str) -> Doc:
    return {**_stored_entry(entry), "_id": new_id(), "import_job": job_id}


def discard_import(project: Project, job_id: str, *, settle: float = 0.0) -> None:
    """Remove whatever import ``job_id`` staged or half committed (the import job's cleanup),
    and what the linked-data outbox holds for it (``settle``: see ``staging.discard``)."""
    staging.discard(project.pk, job_id, settle=settle)
    linked_sync.forget_import(project.pk, job_id)


def write_import(
    project: Project,
    batches: Iterable[ImportBatch],
    user: str,
    job_id: str,
    *,
    may_commit: Callable[[], bool] = lambda: True,
) -> dict[str, int]:
    """Stage an import batch by batch under its job (invisible to every query of the project),
    then commit it at once (:mod:`annotations.linguistic_api.staging`): a re-delivered job first
    removes what its first run staged, and a failure midway (a bad batch, a lost database, a
    killed worker through the job's cleanup) removes what this run staged. Concordance postings
    are staged alongside, and each text gets its ``utterance_count`` at the commit."""
    counts = staging.write(project.pk, batches, user, job_id, may_commit=may_commit)
    if counts is None:
        raise DomainError(
            "import_abandoned", "The import job was given up before it could commit.", field="job"
        )
    # The texts it made (few, each with its utterance count), for the text list to show.
    made = documents.texts.collection.find(
        {"project": project.pk, "import_job": job_id}, {"_id": 1}
    )
    ids = [doc["_id"] for doc in made]
    _bulk_event(project, "linguistic.imported", "text", ids, {"job": job_id, **counts})
    return counts


def import_file(
    project: Project,
    open_file: Opener,
    fmt: str,
    name: str,
    job_id: str,
    user: str,
    *,
    mapping: Mapping[str, Any] | None = None,
    progress: Callable[[float, str], None] | None = None,
    may_commit: Callable[[], bool] = lambda: True,
) -> dict[str, Any]:
    """Import an upload all or nothing, reading it once and never holding more than a batch (or
    one text) of it: :func:`import_batches` checks each item while its batch is staged, and a
    file with problems (ImportFailed lists every one) has its staged documents removed instead
    of committed. ``progress`` gets the share of the file read (the commit is the last 5 %).
    What the readers kept with a warning (a repaired line, a partly glossed record) is listed
    in the result's ``warnings``.
    """
    report = progress or (lambda fraction, message: None)
    warnings: list[Problem] = []
    headers: list[LexiconHeader] = []
    batches = import_batches(
        open_file, fmt, name, job_id, mapping,
        lambda f: report(f * 0.95, f"importing: {f:.0%} read"), warnings=warnings,
        headers=headers,
        default_lang=next(iter(project.object_languages or []), None),
    )  # fmt: skip
    counts: dict[str, Any] = dict(
        write_import(project, batches, user, job_id, may_commit=may_commit)
    )
    for header in headers:
        documents.add_lexicon_header(project.pk, header)
    if warnings:
        counts["warnings"] = warning_report(warnings)
    report(1.0, "imported")
    return counts
