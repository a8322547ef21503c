"""Interlinear texts, utterances and lexicon entries of a project: the rules REST and jobs share.

Documents keep the shapes of :mod:`annotations.linguistic.model` (``to_doc``); the store adds
``_id``, ``project`` and ``version``. Every write names the version it read (409 otherwise) and
broadcasts one event after commit.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from pymongo import ASCENDING, UpdateOne

from annotations.linguistic import consistency, leipzig, provenance, search
from annotations.linguistic.formats import csv as csv_format
from annotations.linguistic.formats import eaf, flextext, lift, toolbox
from annotations.linguistic.formats import json as json_format
from annotations.linguistic.lexicon_parts import LexiconHeader
from annotations.linguistic.model import LexicalEntry, Text, Utterance
from annotations.linguistic_api import concordance, documents, exports, pending, staging
from annotations.linked_api import sync as linked_sync
from annotations.xmlsafe import DEFAULT_MAX_BYTES, FormatError, Problem, Source, errors_only
from fieldmark.api.errors import DomainError, invalid
from fieldmark.api.parsers import INT64_MAX
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, VersionedStore, new_id

MAX_IMPORT_BYTES = DEFAULT_MAX_BYTES
IMPORT_FORMATS = ("toolbox", "mdf", "lift", "flextext", "csv", "json", "eaf")
# Every import format exports (one enum in the schema, so the same order).
EXPORT_FORMATS = IMPORT_FORMATS
# Formats that hold the lexicon, not the corpus.
LEXICON_FORMATS = ("lift", "mdf")
TEXT_FIELDS = ("title", "lang", "glottocode", "meta", "genre", "speakers", "source")
BATCH = 500
IMPORT_BATCH = 2000

Mode = Literal["exact", "prefix", "regex"]


def _event(project: Project, kind: str, doc: Mapping[str, Any], origin: str = "") -> None:
    payload = {"id": doc["_id"], "version": doc.get("version")}
    if "text" in doc:  # an utterance: say which text, so an open editor knows it is concerned
        payload["text"] = doc["text"]
    # The document as the REST API shows it, so an open editor applies it without a request.
    payload["data"] = _as_served(kind, doc)
    broadcast(project.pk, kind, payload, origin)


# A bulk change (a gloss replaced everywhere, links made, machine labels filled in) carries the
# documents it wrote, as REST serves them, up to this many; beyond, ``documents_omitted`` tells
# the editors to reload what they show (one event of thousands of utterances helps nobody).
BULK_EVENT_DOCUMENTS = 200


def _bulk_event(
    project: Project, kind: str, noun: str, ids: Collection[str], extra: Mapping[str, Any]
) -> None:
    """One event for a bulk write of the ``noun`` documents ``ids``: their current state."""
    payload: dict[str, Any] = dict(extra)
    if len(ids) <= BULK_EVENT_DOCUMENTS:
        store = {"text": documents.texts, "utterance": documents.utterances,
                 "entry": documents.lexicon}[noun]  # fmt: skip
        found = store.find(project.pk, {"_id": {"$in": list(ids)}}, sort=[("_id", ASCENDING)])
        payload["documents"] = [
            {"id": doc["_id"], "version": doc["version"], **({"text": doc["text"]} if "text" in doc
             else {}), "data": _as_served(f"linguistic.{noun}", doc)}
            for doc in found
        ]  # fmt: skip
    else:
        payload["documents_omitted"] = True
    broadcast(project.pk, kind, payload)


def _as_served(kind: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    from annotations.linguistic_api import serializers  # they import this module

    shapes = {"text": serializers.TextSerializer, "utterance": serializers.UtteranceSerializer,
              "entry": serializers.EntrySerializer}  # fmt: skip
    return dict(shapes[kind.split(".")[1]](dict(doc)).data)


def _check(kind: str) -> Callable[[Doc], None]:
    """What a save of ``kind`` is validated with, for the store to run again on a merged
    document: the REST serializer, then the model."""
    from annotations.linguistic_api import serializers  # they import this module

    shape = {"text": serializers.TextSerializer, "utterance": serializers.UtteranceSerializer,
             "entry": serializers.EntrySerializer}[kind]  # fmt: skip

    def check(doc: Doc) -> None:
        serializer = shape(data=doc)
        if not serializer.is_valid():
            raise invalid(serializer.errors)
        if kind == "utterance":
            try:
                normalize_utterance(doc, order=int(doc.get("order", 0)), uid=str(doc.get("id")))
            except (KeyError, TypeError, ValueError) as exc:
                raise DomainError("invalid", f"Not an utterance: {exc}", field="words") from exc
        elif kind == "entry":
            normalize_entry(doc, str(doc.get("id")))

    return check


# --- texts ---------------------------------------------------------------------------------------


class MongoList:
    """A lazy query that Django's paginator can count and slice without loading it all."""

    def __init__(
        self, store: VersionedStore, project: Project, query: Doc, sort: list[tuple[str, int]]
    ) -> None:
        self.store, self.project_id, self.query, self.sort = store, project.pk, query, sort

    def count(self) -> int:
        return int(
            self.store.collection.count_documents({**self.query, "project": self.project_id})
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Doc]:
        start = index.start or 0
        size = max((index.stop or start) - start, 0)
        if size == 0:
            return []
        return list(
            self.store.find(self.project_id, self.query, sort=self.sort, skip=start, limit=size)
        )


class TextList(MongoList):
    """Texts with ``utterance_count`` (kept on the text by every write of its utterances; texts
    stored before that get it counted once here)."""

    def __getitem__(self, index: slice) -> list[Doc]:
        page = super().__getitem__(index)
        for doc in page:
            if "utterance_count" not in doc:
                doc["utterance_count"] = documents.utterances.collection.count_documents(
                    {"project": self.project_id, "text": doc["_id"]}
                )
                documents.texts.collection.update_one(
                    {"_id": doc["_id"]}, {"$set": {"utterance_count": doc["utterance_count"]}}
                )
        return page


def list_texts(project: Project) -> MongoList:
    return TextList(documents.texts, project, {}, [("created_at", ASCENDING), ("_id", ASCENDING)])


def get_text(project: Project, text_id: str) -> Doc:
    return documents.texts.get(project.pk, text_id)


def create_text(user: User, project: Project, body: Mapping[str, Any]) -> Doc:
    fields = {**_only(body, TEXT_FIELDS), "utterance_count": 0}
    doc = documents.texts.insert(project.pk, fields, user.username)
    _event(project, "linguistic.text.created", doc)
    return doc


def update_text(
    user: User, project: Project, text_id: str, version: int, changes: Mapping[str, Any]
) -> Doc:
    doc = documents.texts.update(
        project.pk, text_id, version, _only(changes, TEXT_FIELDS), user.username,
        check=_check("text"),
    )  # fmt: skip
    _event(project, "linguistic.text.updated", doc)
    return doc


def delete_text(user: User, project: Project, text_id: str, version: int) -> None:
    """Delete a text and its utterances (the version check guards the text document)."""
    documents.texts.delete(project.pk, text_id, version, user.username)
    documents.utterances.collection.delete_many({"project": project.pk, "text": text_id})
    concordance.remove_text(project.pk, text_id)
    broadcast(project.pk, "linguistic.text.deleted", {"id": text_id})


def _only(body: Mapping[str, Any], keys: Iterable[str]) -> Doc:
    return {key: body[key] for key in keys if key in body}


# --- utterances ----------------------------------------------------------------------------------


def normalize_utterance(body: Mapping[str, Any], *, order: int, uid: str) -> Doc:
    """The stored shape of an utterance: ``Utterance.to_doc()`` (empty fields dropped)."""
    return Utterance.from_doc({**body, "id": body.get("id") or uid, "order": order}).to_doc()


def list_utterances(project: Project, text_id: str) -> MongoList:
    get_text(project, text_id)
    return MongoList(documents.utterances, project, {"text": text_id}, [("order", ASCENDING)])


def get_utterance(project: Project, utterance_id: str) -> Doc:
    return documents.utterances.get(project.pk, utterance_id)


def create_utterance(user: User, project: Project, text_id: str, body: Mapping[str, Any]) -> Doc:
    """Append an utterance to a text (or place it at ``order``)."""
    get_text(project, text_id)
    order = body.get("order")
    if order is None:
        last = documents.utterances.collection.find_one(
            {"project": project.pk, "text": text_id}, sort=[("order", -1)]
        )
        order = int(last["order"]) + 1 if last else 0
    doc_id = new_id()
    doc = normalize_utterance(body, order=order, uid=doc_id)
    doc.update(_id=doc_id, text=text_id)
    saved = documents.utterances.insert(project.pk, doc, user.username)
    documents.texts.collection.update_one(
        {"_id": text_id, "project": project.pk}, {"$inc": {"utterance_count": 1}}
    )
    concordance.update(project.pk, None, saved)
    _event(project, "linguistic.utterance.created", saved)
    return saved


def replace_utterance(
    user: User, project: Project, utterance_id: str, version: int, body: Mapping[str, Any]
) -> Doc:
    current = get_utterance(project, utterance_id)
    order = body.get("order", current["order"])
    doc = normalize_utterance(body, order=order, uid=str(current.get("id") or utterance_id))
    doc.update(text=current["text"])
    if "import_job" in current:
        doc["import_job"] = current["import_job"]
    saved = documents.utterances.update(
        project.pk, utterance_id, version, doc, user.username, replace=True, current=current,
        check=_check("utterance"),
    )  # fmt: skip
    concordance.update(project.pk, current, saved)
    _event(project, "linguistic.utterance.updated", saved)
    return saved


def utterance_history(project: Project, utterance_id: str) -> list[Doc]:
    get_utterance(project, utterance_id)
    return documents.utterances.history(project.pk, utterance_id)


def utterance_version(project: Project, utterance_id: str, version: int) -> Doc:
    get_utterance(project, utterance_id)
    # Past 64 bits no version exists, and BSON could not even ask: the same 404.
    return documents.utterances.version(project.pk, utterance_id, min(version, INT64_MAX))


def revert_utterance(
    user: User, project: Project, utterance_id: str, to_version: int, version: int
) -> Doc:
    current = get_utterance(project, utterance_id)
    saved = documents.utterances.revert(
        project.pk, utterance_id, to_version, version, user.username
    )
    concordance.update(project.pk, current, saved)
    _event(project, "linguistic.utterance.updated", saved)
    return saved


# --- lexicon -------------------------------------------------------------------------------------


def normalize_entry(body: Mapping[str, Any], uid: str) -> Doc:
    try:
        return _stored_entry(LexicalEntry.from_doc({**body, "id": body.get("id") or uid}))
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError("invalid", f"Not a lexicon entry: {exc}", field="senses") from exc


def _stored_entry(entry: LexicalEntry) -> Doc:
    """The entry's document plus its folded search keys (``search``; headword first)."""
    return {**entry.to_doc(), "search": search.search_keys(entry)}


def list_entries(project: Project) -> MongoList:
    return MongoList(
        documents.lexicon, project, {}, [("created_at", ASCENDING), ("_id", ASCENDING)]
    )


def get_entry(project: Project, entry_id: str) -> Doc:
    return documents.lexicon.get(project.pk, entry_id)


def create_entry(user: User, project: Project, body: Mapping[str, Any]) -> Doc:
    doc_id = new_id()
    doc = {**normalize_entry(body, doc_id), "_id": doc_id}
    saved = documents.lexicon.insert(project.pk, doc, user.username)
    _event(project, "linguistic.entry.created", saved)
    return saved


def replace_entry(
    user: User, project: Project, entry_id: str, version: int, body: Mapping[str, Any]
) -> Doc:
    current = get_entry(project, entry_id)
    doc = normalize_entry(body, str(current.get("id") or entry_id))
    saved = documents.lexicon.update(
        project.pk, entry_id, version, doc, user.username, replace=True, check=_check("entry")
    )
    _event(project, "linguistic.entry.updated", saved)
    return saved


# --- import --------------------------------------------------------------------------------------


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


IMPORT_BATCH = 2000
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


# --- concordance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    word: int
    morpheme: int | None
    value: str


@dataclass(frozen=True)
class UtteranceHits:
    """One utterance of a concordance page with every hit it holds."""

    utterance: Doc
    text_title: str
    hits: list[Hit]


class ConcordancePage:
    """The utterances that match a concordance query, for the paginator: counted exactly from the
    postings (:mod:`annotations.linguistic_api.concordance`); a page reads only its utterances.
    """

    def __init__(self, project: Project, field: str, q: str, mode: Mode, lang: str = "en") -> None:
        self.project, self.field, self.lang = project, field, lang
        self.matches = concordance.lookup(project.pk, field, q, mode, lang)

    @property
    def hits(self) -> int:
        return self.matches.hits

    def __len__(self) -> int:
        return len(self.matches.utterances)

    def __getitem__(self, index: slice) -> list[UtteranceHits]:
        ids = self.matches.utterances[index]
        if not ids:
            return []
        docs = {
            doc["_id"]: doc
            for doc in documents.utterances.collection.find(
                {"_id": {"$in": ids}, "project": self.project.pk},
                {"text": 1, "order": 1, "transcription": 1, "translations": 1, "words": 1},
            )
        }
        text_ids = list({doc["text"] for doc in docs.values()})
        titles = {
            doc["_id"]: str(doc.get("title", ""))
            for doc in documents.texts.collection.find(
                {"_id": {"$in": text_ids}, "project": self.project.pk}, {"title": 1}
            )
        }
        page = []
        for uid in ids:
            doc = docs.get(uid)
            if doc is None:  # deleted between the lookup and this read
                continue
            hits = concordance.hits_in(doc, self.field, self.matches.values, self.lang)
            page.append(
                UtteranceHits(doc, titles.get(doc["text"], ""), [Hit(w, m, v) for w, m, v in hits])
            )
        return page


def reindex_concordance(project: Project) -> int:
    """Rebuild the project's concordance postings; returns how many utterances were read."""
    seen = 0

    def batches() -> Iterator[list[Doc]]:
        nonlocal seen
        cursor = documents.utterances.collection.find(
            {"project": project.pk},
            {"text": 1, "order": 1, "words": 1, "translations": 1},
            sort=[("text", ASCENDING), ("order", ASCENDING)],
            batch_size=BATCH,
        )
        while batch := list(islice(cursor, IMPORT_BATCH)):
            seen += len(batch)
            yield batch

    concordance.rebuild(project.pk, batches())
    return seen


COUNT_LIMIT = 10_000
T = TypeVar("T")


class HitList(Generic[T]):
    """Concordance hits for the paginator, sliced by streaming the cursor.

    Counting stops at ``COUNT_LIMIT`` hits (``capped`` is then true), so a page of a query that
    matches most of a million-morpheme corpus costs a few thousand documents, not all of them.
    """

    def __init__(self, hits: Callable[[], Iterator[T]], limit: int | None = None) -> None:
        self._hits = hits
        self.limit = COUNT_LIMIT if limit is None else limit
        self.capped = False

    def __len__(self) -> int:
        counted = sum(1 for _ in islice(self._hits(), self.limit + 1))
        self.capped = counted > self.limit
        return min(counted, self.limit)

    def __getitem__(self, index: slice) -> list[T]:
        return list(islice(self._hits(), index.start, index.stop))


# --- export --------------------------------------------------------------------------------------


def _text_heads(
    project: Project, text_id: str | None = None
) -> Iterator[tuple[Text, str, int | None]]:
    """(head, stored id, utterance count) of each text (or of ``text_id``), in creation
    order."""
    query = {"_id": text_id} if text_id is not None else {}
    for text_doc in documents.texts.find(
        project.pk, query, sort=[("created_at", ASCENDING), ("_id", ASCENDING)], batch_size=50
    ):
        meta = {key: text_doc[key] for key in TEXT_FIELDS if key in text_doc}
        count = text_doc.get("utterance_count")
        yield (
            Text.from_doc({**meta, "id": text_doc.get("source_id") or text_doc["_id"]}),
            str(text_doc["_id"]),
            int(count) if isinstance(count, int) else None,
        )


def _utterances_of(project: Project, text_id: str, count: int | None) -> Iterator[Utterance]:
    docs = exports.utterance_docs(project.pk, text_id, expected=count)
    return (Utterance.from_doc(doc) for doc in docs)


def _texts_streamed(
    project: Project, only: str | None = None
) -> Iterator[tuple[Text, Iterator[Utterance]]]:
    """Each text's head with its utterances read lazily from a cursor, for the writers that
    take them so (one utterance at a time is in memory)."""
    for text, text_id, count in _text_heads(project, only):
        yield text, _utterances_of(project, text_id, count)


def _text_chunks(project: Project, only: str | None = None) -> Iterator[Text]:
    """Texts in pieces of at most ``BATCH`` utterances, for row formats: memory stays flat."""
    for head, text_id, count in _text_heads(project, only):
        utterances = _utterances_of(project, text_id, count)
        while chunk := list(islice(utterances, BATCH)):
            yield Text(id=head.id, utterances=chunk)


def _entries_stream(project: Project) -> Iterator[LexicalEntry]:
    cursor = documents.lexicon.find(project.pk, sort=[("created_at", ASCENDING)], batch_size=BATCH)
    for doc in cursor:
        yield LexicalEntry.from_doc(doc)


def _json_heads(project: Project, only: str | None = None) -> Iterator[tuple[Doc, str, int | None]]:
    for text, text_id, count in _text_heads(project, only):
        head = text.to_doc()
        del head["utterances"]
        yield head, text_id, count


EXPORT_TYPES = {
    "json": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv", "csv"),
    "toolbox": ("text/plain", "txt"),
    "flextext": ("application/xml", "flextext"),
    "lift": ("application/xml", "lift"),
    "mdf": ("text/plain", "mdf.txt"),
    "eaf": ("application/xml", "eaf"),
}


def export_text(project: Project, fmt: str, text: str | None) -> str | None:
    """The stored id of the one text an export is limited to, checked before anything is
    written (an error once a download has begun could not be a 4xx): an EAF document holds
    one text, so ``eaf`` needs one named unless the project has only one; a lexicon format
    has no texts to name."""
    if fmt in LEXICON_FORMATS:
        if text:
            raise DomainError(
                "invalid", f"A {fmt} export holds the lexicon, no text.", field="text"
            )
        return None
    if text:
        if documents.texts.collection.count_documents({"project": project.pk, "_id": text}) != 1:
            raise DomainError("invalid", f"No text with id {text} in this project.", field="text")
        return text
    if fmt != "eaf":
        return None
    ids = [d["_id"] for d in documents.texts.find(project.pk, {}, projection={"_id": 1}, limit=2)]
    if len(ids) == 1:
        return str(ids[0])
    if not ids:
        raise DomainError("invalid", "The project has no text to export as EAF.", field="text")
    total = documents.texts.collection.count_documents({"project": project.pk})
    raise DomainError(
        "invalid",
        f"An EAF file holds one text and this project has {total}: name the text's id.",
        field="text",
    )


def _eaf_mapping(text: Text, utterances: list[Utterance]) -> eaf.TierMapping:
    """The tier mapping a text was imported from ELAN with (so it is written back into its
    document), else Fieldmark's own tier names."""
    meta = text.metadata.get("elan")
    groups = meta.get("groups") if isinstance(meta, dict) else None
    if groups:
        return _tier_mapping(groups[0])
    langs = sorted({lang for u in utterances for lang in u.translations})
    return eaf.TierMapping(
        utterance="utterance",
        words="words",
        morphemes="morphemes",
        gloss="gloss",
        pos="pos",
        translations={lang: f"translation-{lang}" for lang in langs},
        notes="notes",
    )


def _eaf_chunks(project: Project, text_id: str) -> Iterator[str]:
    # ELAN's time order spans the whole document: the text is read whole (one text).
    for head, stored, count in _text_heads(project, text_id):
        utterances = list(_utterances_of(project, stored, count))
        text = Text.from_doc({**head.to_doc(), "utterances": []})
        text.utterances = utterances
        yield from eaf.dumps(text, _eaf_mapping(text, utterances))


def export_chunks(project: Project, fmt: str, text: str | None = None) -> Iterator[str]:
    """The project's corpus (or, for ``lift`` and ``mdf``, its lexicon) as streamed chunks of
    ``fmt``: a chunk per utterance (or entry), read from cursors, so no text is ever whole in
    memory (but for ``eaf``, one text a file). ``text`` limits a corpus export to one text
    (:func:`export_text` checks it first)."""
    only = export_text(project, fmt, text)
    if fmt == "json":
        return exports.json_lines(project.pk, _json_heads(project, only))
    if fmt == "csv":
        langs = exports.translation_langs(project.pk)
        return csv_format.iter_morpheme_rows(_text_chunks(project, only), langs)
    if fmt == "toolbox":
        return toolbox.dumps_streamed(_texts_streamed(project, only))
    if fmt == "flextext":
        return flextext.dumps_streamed(_texts_streamed(project, only))
    if fmt == "eaf" and only is not None:
        return _eaf_chunks(project, only)
    if fmt == "lift":
        header = documents.read_lexicon_header(project.pk)
        return lift.dumps(_entries_stream(project), header=header)
    if fmt == "mdf":
        return toolbox.mdf.dumps(_entries_stream(project))
    raise DomainError("invalid", f"Unknown format {fmt!r}.", field="format")


# --- glossing aids -------------------------------------------------------------------------------


def leipzig_abbreviations() -> list[dict[str, str]]:
    return [{"gram": g, "meaning": m} for g, m in sorted(leipzig.LEIPZIG_ABBREVIATIONS.items())]


@dataclass(frozen=True)
class GlossWarning:
    utterance: str
    text: str
    order: int
    word: int
    morpheme: int | None
    gloss: str
    unknown: list[str]


def gloss_check(project: Project, allowed: Collection[str] = ()) -> Iterator[GlossWarning]:
    """Each morpheme (or unsegmented word) whose gloss uses grams outside Leipzig and
    ``allowed``, in text and utterance order."""
    cursor = documents.utterances.collection.find(
        pending.visible(project.pk),
        {"text": 1, "order": 1, "words": 1},
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    for doc in cursor:
        base = (doc["_id"], doc["text"], int(doc["order"]))
        for w, word in enumerate(doc.get("words", [])):
            glosses: list[tuple[int | None, str]] = [
                (m, str(x.get("gloss", ""))) for m, x in enumerate(word.get("morphemes", []))
            ]
            if not glosses and word.get("gloss"):
                glosses = [(None, str(word["gloss"]))]
            for m, gloss in glosses:
                unknown = _unknown(gloss, allowed)
                if unknown:
                    yield GlossWarning(*base, word=w, morpheme=m, gloss=gloss, unknown=unknown)


def _unknown(gloss: str, allowed: Collection[str]) -> list[str]:
    return [
        e.text
        for morph in leipzig.split_gloss(gloss, allowed).morphs
        for e in morph.elements
        if e.is_gram and e.meaning is None
    ]


def _located_texts(project: Project) -> Iterator[Text]:
    """Texts in pieces whose ids are the stored ``_id``s, so locations open in the UI."""
    cursor = documents.utterances.collection.find(
        pending.visible(project.pk),
        {"text": 1, "order": 1, "words": 1},
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    piece: list[Utterance] = []
    text_id = None
    for doc in cursor:
        if piece and (doc["text"] != text_id or len(piece) >= BATCH):
            yield Text(id=str(text_id), utterances=piece)
            piece = []
        text_id = doc["text"]
        piece.append(Utterance.from_doc({**doc, "id": doc["_id"]}))
    if piece:
        yield Text(id=str(text_id), utterances=piece)


def gloss_consistency(project: Project) -> list[consistency.InconsistentForm]:
    """Morpheme forms glossed in more than one way across the corpus, most frequent first."""
    return consistency.gloss_inconsistencies(_located_texts(project))


# --- glossing writes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkResult:
    linked: int
    ambiguous: int
    unmatched: int
    utterances: int


def _lexicon_entries(project: Project) -> list[LexicalEntry]:
    return [LexicalEntry.from_doc(doc) for doc in documents.lexicon.find(project.pk, {})]


def _utterance_batches(project: Project) -> Iterator[list[Doc]]:
    cursor = documents.utterances.find(
        project.pk,
        pending.committed(project.pk),
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    while batch := list(islice(cursor, BATCH)):
        yield batch


def _as_texts(batch: list[Doc]) -> list[Text]:
    """Utterance documents as texts whose utterance ids are the stored ``_id``s."""
    texts: dict[str, Text] = {}
    for doc in batch:
        text = texts.setdefault(doc["text"], Text(id=str(doc["text"])))
        text.utterances.append(Utterance.from_doc({**doc, "id": doc["_id"]}))
    return list(texts.values())


def start_link(user: User, project: Project, *, relink: bool = False) -> Job:
    """Start a ``linguistic.link`` job; its result is a :class:`LinkResult` as a dict."""
    return start_job(user, project, "linguistic.link", {"relink": relink})


def link_glosses(
    user: str,
    project: Project,
    *,
    relink: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> LinkResult:
    """Link morphemes to lexicon entries (``consistency.find_links``) and save the utterances
    that changed, a batch at a time in one bulk write each, each with a new version and history;
    ``progress`` hears after each batch."""
    entries = _lexicon_entries(project)
    total = documents.utterances.collection.count_documents(pending.visible(project.pk))
    linked = ambiguous = unmatched = written = done = 0
    touched: list[str] = []
    for batch in _utterance_batches(project):
        texts = _as_texts(batch)
        report = consistency.find_links(texts, entries, relink=relink)
        ambiguous += len(report.ambiguous)
        unmatched += len(report.unmatched)
        before = {(u.id): [w.to_doc() for w in u.words] for t in texts for u in t.utterances}
        linked += consistency.apply_links(texts, report.links)
        by_id = {doc["_id"]: doc for doc in batch}
        changes = {
            u.id: (by_id[u.id], {"words": words})
            for t in texts
            for u in t.utterances
            if (words := [w.to_doc() for w in u.words]) != before[u.id]
        }
        written += documents.bulk_update(documents.utterances, project.pk, changes, user)
        touched.extend(changes)
        done += len(batch)
        if progress is not None:
            progress(min(done / max(total, 1), 1.0), f"{done} of {total} utterances")
    result = LinkResult(linked, ambiguous, unmatched, written)
    if written:
        _bulk_event(project, "linguistic.glossing.linked", "utterance", touched,
                    {"utterances": written})  # fmt: skip
    return result


@dataclass(frozen=True)
class ReplaceResult:
    morphemes: int
    utterances: int
    skipped: int


def replace_glosses(
    user: User, project: Project, *, form: str | None, gloss: str | None, to: str
) -> ReplaceResult:
    """Bulk gloss edit: every morpheme whose form is ``form`` and/or whose gloss is ``gloss``
    gets the gloss ``to``. Candidates come from the concordance postings, so only utterances
    holding the form or gloss are read. Each utterance is written with its version check, a new
    version and a history entry; one changed meanwhile is skipped and counted."""
    field, value = ("form", form) if form is not None else ("gloss", gloss or "")
    candidates = concordance.lookup(project.pk, field, value, "exact").utterances
    morphemes = written = tried = 0
    texts: set[str] = set()
    touched: list[str] = []
    for start in range(0, len(candidates), BATCH):
        ids = candidates[start : start + BATCH]
        changes: dict[str, tuple[Doc, Doc]] = {}
        for doc in documents.utterances.find(project.pk, {"_id": {"$in": ids}}):
            words, n = _regloss(doc.get("words", []), form, gloss, to)
            if n:
                changes[doc["_id"]] = (doc, {"words": words})
                morphemes += n
                texts.add(doc["text"])
        tried += len(changes)
        written += documents.bulk_update(documents.utterances, project.pk, changes, user.username)
        touched.extend(changes)
    if written:
        _bulk_event(project, "linguistic.glossing.replaced", "utterance", touched,
                    {"utterances": written, "texts": sorted(texts)})  # fmt: skip
    return ReplaceResult(morphemes, written, tried - written)


def _regloss(
    words: list[Doc], form: str | None, gloss: str | None, to: str
) -> tuple[list[Doc], int]:
    changed = 0
    out = []
    for word in words:
        morphs = []
        for morph in word.get("morphemes", []):
            if (
                (form is None or morph.get("form") == form)
                and (gloss is None or morph.get("gloss", "") == gloss)
                and morph.get("gloss", "") != to
            ):
                morph = {**morph, "gloss": to}
                changed += 1
            morphs.append(morph)
        out.append({**word, "morphemes": morphs} if "morphemes" in word else word)
    return out, changed


def create_entries_from_corpus(user: User, project: Project, gloss_lang: str = "en") -> int:
    """Add an entry for every morpheme form the lexicon lacks; running it again adds none
    (forms already in the lexicon, and entry ids already stored, are skipped)."""
    existing = _lexicon_entries(project)
    vernacular = next(iter(project.object_languages or []), "und")
    proposed = consistency.entries_from_corpus(
        _located_texts(project), existing, vernacular=vernacular, gloss_lang=gloss_lang
    )
    known_ids = {entry.id for entry in existing}
    docs = [
        {**_stored_entry(entry), "_id": new_id()} for entry in proposed if entry.id not in known_ids
    ]
    created = documents.lexicon.insert_many(project.pk, docs, user.username)
    if created:
        _bulk_event(project, "linguistic.entries.created", "entry", [d["_id"] for d in docs],
                    {"entries": created})  # fmt: skip
    return created


# --- dictionary ----------------------------------------------------------------------------------

EXAMPLES_PER_ENTRY = 3


class DictionaryPage:
    """Entries whose search keys start with ``q``, exact headwords first, then headword
    prefixes, then the rest, each alphabetical; only a page's full documents are read."""

    def __init__(self, project: Project, q: str) -> None:
        self.project = project
        self.q = search.fold(q)
        self._ranked: list[str] | None = None

    def _ids(self) -> list[str]:
        if self._ranked is None:
            query: Doc = {"search": {"$regex": "^" + re.escape(self.q)}} if self.q else {}
            keyed = [
                (search.rank((doc.get("search") or [""])[0], self.q),
                 (doc.get("search") or [""])[0], str(doc["_id"]))
                for doc in documents.lexicon.find(self.project.pk, query, projection={"search": 1})
            ]  # fmt: skip
            self._ranked = [doc_id for *_, doc_id in sorted(keyed)]
        return self._ranked

    def count(self) -> int:
        return len(self._ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Doc]:
        ids = self._ids()[index]
        docs = {d["_id"]: d for d in documents.lexicon.find(self.project.pk, {"_id": {"$in": ids}})}
        page = [docs[doc_id] for doc_id in ids if doc_id in docs]
        examples = corpus_examples(self.project, [str(d["id"]) for d in page])
        return [{**doc, "examples": examples.get(str(doc["id"]), [])} for doc in page]


def search_dictionary(project: Project, q: str) -> DictionaryPage:
    return DictionaryPage(project, q)


def backfill_search_keys(project_id: int | None = None) -> int:
    """Give ``search`` keys to lexicon entries written before they existed (not a new version:
    the keys are derived, not content). Returns how many entries were updated."""
    query: Doc = {"search": {"$exists": False}}
    if project_id is not None:
        query["project"] = project_id
    ops = [
        UpdateOne({"_id": doc["_id"]}, {"$set": {"search": _stored_entry(
            LexicalEntry.from_doc(doc))["search"]}})
        for doc in documents.lexicon.collection.find(query)
    ]  # fmt: skip
    if not ops:
        return 0
    return int(documents.lexicon.collection.bulk_write(ops, ordered=False).modified_count)


def corpus_examples(project: Project, entry_ids: list[str]) -> dict[str, list[Doc]]:
    """Up to ``EXAMPLES_PER_ENTRY`` utterances linked to each entry (morphemes whose ``lemma``
    is the entry), in reading order: one postings query and one read of the examples."""
    found: dict[str, list[Doc]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return found
    chosen = concordance.first_utterances(project.pk, "lemma", entry_ids, EXAMPLES_PER_ENTRY)
    wanted = {uid for uids in chosen.values() for uid in uids}
    docs = {
        doc["_id"]: doc
        for doc in documents.utterances.collection.find(
            {"_id": {"$in": list(wanted)}, "project": project.pk},
            {"text": 1, "transcription": 1, "translations": 1},
        )
    }
    for entry_id, uids in chosen.items():
        found[entry_id] = [
            {
                "utterance": uid,
                "text": docs[uid]["text"],
                "transcription": docs[uid].get("transcription", ""),
                "translations": docs[uid].get("translations", {}),
            }
            for uid in uids
            if uid in docs
        ]
    return found


def start_dictionary_pdf(user: User, project: Project) -> Job:
    return start_job(user, project, "linguistic.dictionary_pdf", {})


def dictionary_entries(project: Project) -> list[LexicalEntry]:
    """Every entry, ordered by folded headword (the order of a printed dictionary)."""
    entries = _lexicon_entries(project)
    return sorted(entries, key=lambda e: (search.fold(e.headword), e.headword, e.id))


def finished_file(project: Project, job_id: str, kind: str) -> Job:
    """A succeeded job of ``kind`` in ``project`` with a file; 404 until it has one."""
    key = _uuid_or_none(job_id)
    job = Job.objects.filter(project=project, kind=kind, id=key).first() if key else None
    if job is None or job.state != "succeeded" or not (job.result or {}).get("path"):
        raise DomainError("not_found", "No finished file for that job (yet).", status_code=404)
    return job


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def start_export(user: User, project: Project, fmt: str, text: str | None = None) -> Job:
    only = export_text(project, fmt, text)
    params = {"format": fmt} | ({"text": only} if only is not None else {})
    return start_job(user, project, "linguistic.export", params)


# --- machine labels (mlworkers) --------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """One label for one slot: ``morpheme`` None means the word's own field."""

    word: int
    morpheme: int | None
    field: str  # "gloss", "pos", or "morphemes" (a segmentation such as ``x-tok``)
    value: str
    # Where a machine label came from (``annotations.linguistic.provenance.Entry``), if known.
    source: Mapping[str, Any] | None = None


def _cut(segmentation: str) -> list[dict[str, str]]:
    """``x-tok=ab`` as morphemes: forms, each after the first with the separator before it."""
    pieces = re.split(r"([-=])", segmentation)
    out = [{"form": pieces[0]}]
    for sep, form in zip(pieces[1::2], pieces[2::2], strict=True):
        out.append({"form": form, "sep": sep})
    return [m for m in out if m["form"]]


def fill_empty_labels(
    user: User, project: Project, labels: Mapping[str, list[Label]], *, expect: Mapping[str, int]
) -> dict[str, list[Label]]:
    """Write accepted machine labels into utterances, each only where the slot is still empty
    (what a person typed is never overwritten), with the version check, history and postings
    of every write. ``expect`` maps an utterance id to the version the labels were made for;
    one changed since is skipped. Returns the labels written per utterance."""
    docs = {
        doc["_id"]: doc
        for doc in documents.utterances.find(project.pk, {"_id": {"$in": list(labels)}})
    }
    changes: dict[str, tuple[Doc, Doc]] = {}
    applied: dict[str, list[Label]] = {}
    for utterance_id, wanted in labels.items():
        doc = docs.get(utterance_id)
        if doc is None or (utterance_id in expect and doc["version"] != expect[utterance_id]):
            continue
        words = [{**w, "morphemes": [dict(m) for m in w.get("morphemes", [])]}
                 for w in doc.get("words", [])]  # fmt: skip
        done = []
        for label in wanted:
            if label.field not in ("gloss", "pos", "morphemes") or label.word >= len(words):
                continue
            word = words[label.word]
            if label.field == "morphemes":
                # A segmentation (``x-tok``) for a word nobody has cut yet.
                if label.morpheme is None and not word["morphemes"] and label.value:
                    word["morphemes"] = _cut(label.value)
                    done.append(label)
                continue
            if label.morpheme is None:
                slot = word
            elif label.morpheme < len(word["morphemes"]):
                slot = word["morphemes"][label.morpheme]
            else:
                continue
            if not slot.get(label.field):
                slot[label.field] = label.value
                done.append(label)
        if done:
            provenance.stamp_labels(words, done, user.username)
            for word in words:
                if not word["morphemes"]:
                    del word["morphemes"]
            changes[utterance_id] = (doc, {"words": words})
            applied[utterance_id] = done
    written = documents.bulk_update(documents.utterances, project.pk, changes, user.username)
    if written != len(changes):  # some changed between the read and the write
        current = {
            d["_id"]: d["version"]
            for d in documents.utterances.collection.find(
                {"_id": {"$in": list(changes)}}, {"version": 1}
            )
        }
        applied = {k: v for k, v in applied.items()
                   if current.get(k) == changes[k][0]["version"] + 1}  # fmt: skip
    if applied:
        texts = sorted({str(docs[k]["text"]) for k in applied})
        _bulk_event(project, "linguistic.glossing.replaced", "utterance", list(applied),
                    {"utterances": len(applied), "texts": texts})  # fmt: skip
    return applied
