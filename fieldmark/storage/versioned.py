"""Versioned MongoDB documents: no lost updates, per-document history, revert.

Every document carries ``version``. A write names the version it read; if another write came
first, a store made with ``merges=True`` merges the two (:mod:`fieldmark.storage.merge`: the
version read, the current one, the write) when they touch different parts, and records both
writers; otherwise, or when they touch the same part, the caller gets
:class:`~fieldmark.api.errors.Conflict` (HTTP 409) carrying the current document (and the clashing
elements with both values), and nothing is written. Each change appends the previous state to
``<collection>_history`` with who, when and which top-level fields changed, so any version can be
shown or restored.

That history entry is also the version lock: a write inserts it (unique by document and version)
before it updates the document, in one ordered round trip with the update and the writes that
go with it (:data:`write_steps`, the linked-data outbox), so the writer that gets the entry of
version *n* is the one that makes *n + 1*, and a write refused by the lock writes nothing. A
document gone from under a write that got its lock (a text's utterances are deleted wholesale)
takes the entry back.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, InsertOne
from pymongo.collection import Collection

from fieldmark.api.errors import Conflict, DomainError
from fieldmark.storage import mongo
from fieldmark.storage.merge import KeyFn, MergeConflict, merge
from fieldmark.storage.mongo import Step, StepFailed

Doc = dict[str, Any]
logger = logging.getLogger(__name__)
# Fields the store owns; callers cannot set them through a write.
SYSTEM_FIELDS = frozenset({"_id", "project", "version", "created_at", "created_by",
                           "updated_at", "updated_by"})  # fmt: skip


# A write's own validation, run again on what a three-way merge made of it: raises DomainError
# naming the field when the merged content (system fields left out) would not be accepted.
Check = Callable[[Doc], None]

# Called with (collection, project id, document ids) after every committed write, and
# ``stepped=True`` when the write already ran the listener's :data:`write_steps`; the RDF sync
# (annotations.linked_api) registers here, so every writer reaches the graph through one place.
WriteListener = Callable[..., None]
write_listeners: list[WriteListener] = []
# Given (collection, project id, document ids), writes that go in the same round trip as a
# versioned update or delete of those documents, after it (the RDF sync's outbox entries).
WriteSteps = Callable[[str, int, list[str]], list[Step]]
write_steps: list[WriteSteps] = []


def notify_written(
    collection: str, project_id: int, doc_ids: list[str], *, stepped: bool = False
) -> None:
    for listener in write_listeners:
        listener(collection, project_id, doc_ids, stepped=stepped)


def _steps_for(collection: str, project_id: int, doc_ids: list[str]) -> list[Step]:
    return [step for steps in write_steps for step in steps(collection, project_id, doc_ids)]


def new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    """Now, to the millisecond: what BSON keeps, so a document built here equals its stored copy."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


_ABSENT = object()
# A version lock (a history entry whose document is still at that version) older than this was
# left by a writer that died between the two writes: the next writer clears it.
STALE_LOCK_S = 30.0


# How long a stale write waits for another writer that holds the lock of the version it was made
# against to write (``VersionedStore._past``): with one command a step (MongoDB 7) the lock and
# the update are two round trips, and a write that lost the lock can look in between.
HISTORY_WAIT_S = 2.0


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _content(doc: Mapping[str, Any]) -> Doc:
    return {key: value for key, value in doc.items() if key not in SYSTEM_FIELDS}


def _without(doc: Mapping[str, Any], fields: frozenset[str]) -> Doc:
    return {key: value for key, value in doc.items() if key not in fields}


def _at(doc: Any, dotted: str) -> Any:
    """The value at a dotted path (``events.0.apex_ms``) of a document, None where there is none
    (validation names elements by position, which can differ between the versions)."""
    for part in dotted.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return None
    return doc


# Filters name the fields of one index exactly: the embedded server (SecantusDB) looks a filter
# up by an index only when its equality fields are that index's fields (or a prefix of them and a
# range or ``$in`` on the next one); for anything else, such as ``{_id, project, version}``, it
# reads every document of the collection, or of the index's leading field (the project). So a
# document is found by ``{_id, project}`` with its version compared here, and a write names
# ``{_id, version}``: the ``_id`` came from a read scoped to the project, and ids are unique.
def _is_of(doc: Mapping[str, Any], project_id: int, version: int | None = None) -> bool:
    return doc.get("project") == project_id and (version is None or doc.get("version") == version)


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    keys = (set(before) | set(after)) - SYSTEM_FIELDS
    return sorted(key for key in keys if before.get(key) != after.get(key))


class VersionedStore:
    """One collection of versioned documents scoped by project id."""

    def __init__(
        self,
        collection_name: str,
        *,
        noun: str,
        merges: bool = False,
        merge_keys: Mapping[str, KeyFn] | None = None,
        derived_fields: Iterable[str] = (),
        rederive: Callable[[Doc], Doc] | None = None,
        carry: Callable[[Doc, Mapping[str, Any]], Doc] | None = None,
        uncarried: Callable[[Mapping[str, Any]], Doc] | None = None,
    ) -> None:
        """``derived_fields`` are computed from the others (search keys): a merge leaves them
        out and ``rederive`` computes them for the merged document. ``carry(before, body)``
        gives the fields an update writes, with what the server keeps on the document that
        clients never send (the provenance of accepted machine values); ``uncarried(doc)`` is
        the document without it: a merge compares that, then carries it again where it still
        holds (so two writers' different fields never clash on what follows from them)."""
        self.name = collection_name
        self.noun = noun
        self.merges = merges
        self.merge_keys = dict(merge_keys or {})
        self.derived_fields = frozenset(derived_fields)
        self.rederive = rederive
        self.carry = carry
        self.uncarried = uncarried
        mongo.register_indexes(
            collection_name, [IndexModel([("project", ASCENDING), ("_id", ASCENDING)])]
        )
        mongo.register_indexes(
            self.history_name,
            [IndexModel([("doc", ASCENDING), ("version", DESCENDING)], unique=True)],
        )

    @property
    def history_name(self) -> str:
        return f"{self.name}_history"

    @property
    def collection(self) -> Collection[Doc]:
        return mongo.collection(self.name)

    @property
    def history_collection(self) -> Collection[Doc]:
        return mongo.collection(self.history_name)

    def _stamp(self, project_id: int, body: Mapping[str, Any], user: str) -> Doc:
        now = _now()
        doc = {key: value for key, value in body.items() if key not in SYSTEM_FIELDS}
        doc.update(
            _id=body.get("_id") or new_id(),
            project=project_id,
            version=1,
            created_at=now,
            created_by=user,
            updated_at=now,
            updated_by=user,
        )
        return doc

    def insert(self, project_id: int, body: Mapping[str, Any], user: str) -> Doc:
        doc = self._stamp(project_id, body, user)
        self.collection.insert_one(doc)
        notify_written(self.name, project_id, [doc["_id"]])
        return doc

    def insert_many(
        self, project_id: int, bodies: Iterable[Mapping[str, Any]], user: str, batch: int = 1000
    ) -> int:
        """Bulk insert in batches of ``batch`` (imports write this way, never one by one)."""
        count = 0
        pending: list[InsertOne[Doc]] = []
        ids: list[str] = []
        for body in bodies:
            doc = self._stamp(project_id, body, user)
            pending.append(InsertOne(doc))
            ids.append(doc["_id"])
            if len(pending) >= batch:
                self.collection.bulk_write(pending, ordered=False)
                notify_written(self.name, project_id, ids)
                count += len(pending)
                pending, ids = [], []
        if pending:
            self.collection.bulk_write(pending, ordered=False)
            notify_written(self.name, project_id, ids)
            count += len(pending)
        return count

    def get(self, project_id: int, doc_id: str) -> Doc:
        doc = self.collection.find_one({"_id": doc_id, "project": project_id})
        if doc is None:
            raise DomainError("not_found", f"No {self.noun} with id {doc_id}.", status_code=404)
        return doc

    def find(
        self, project_id: int, query: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterator[Doc]:
        return iter(self.collection.find({**(query or {}), "project": project_id}, **kwargs))

    def _conflict_or_missing(self, project_id: int, doc_id: str, expected: int) -> Conflict:
        current = self.get(project_id, doc_id)
        return Conflict(
            "version_conflict",
            f"This {self.noun} changed since you read it (you had version {expected}, "
            f"it is now {current['version']}). Your change was not saved.",
            field="version",
            extra={"current": current},
        )

    def update(
        self,
        project_id: int,
        doc_id: str,
        expected_version: int,
        changes: Mapping[str, Any],
        user: str,
        *,
        replace: bool = False,
        current: Mapping[str, Any] | None = None,
        merge: bool | None = None,
        check: Check | None = None,
    ) -> Doc:
        """Apply ``changes`` (top-level fields; ``replace`` drops fields not named) if the
        document is still at ``expected_version``; a store that merges (or ``merge=True``)
        merges a stale write instead, ``merge=False`` refuses it. ``current``: the document as
        the caller just read it, which saves reading it again when it is at that version (the
        write itself still requires the version, so a change in between is a conflict all the
        same). ``check`` validates a merged document as the caller validated ``changes``: a
        merge that breaks it is a 409 naming the element, and nothing is written."""
        body = {key: value for key, value in changes.items() if key not in SYSTEM_FIELDS}
        if (
            current is not None
            and current.get("_id") == doc_id
            and current.get("project") == project_id
            and current.get("version") == expected_version
        ):
            before: Doc | None = dict(current)
        else:
            found = self.collection.find_one({"_id": doc_id, "project": project_id})
            before = found if found and _is_of(found, project_id, expected_version) else None
        after = None if before is None else self._write(before, body, user, replace=replace)
        if after is not None:
            return after
        if self.merges if merge is None else merge:
            return self._merge_stale(
                project_id, doc_id, expected_version, body, user, replace, check
            )
        raise self._conflict_or_missing(project_id, doc_id, expected_version)

    def _write(
        self,
        before: Doc,
        body: Mapping[str, Any],
        user: str,
        *,
        replace: bool,
        drop: Iterable[str] = (),
        merged_with: list[str] | None = None,
    ) -> Doc | None:
        """Write ``body`` over ``before`` (dropping ``drop``, or with ``replace`` every field
        not in ``body``) if it is still current; None if another writer came first."""
        version = int(before["version"])
        if self.carry is not None:
            body = self.carry(before, body)
        update: dict[str, Any] = {
            "$set": {**body, "updated_at": _now(), "updated_by": user},
            "$inc": {"version": 1},
        }
        dropped = set(drop)
        if replace:
            dropped |= set(before) - set(body) - SYSTEM_FIELDS
        if dropped:
            update["$unset"] = dict.fromkeys(dropped, "")
        # An update, not find_and_modify (which the embedded server runs in time linear in the
        # collection): the version condition makes ``before`` exactly what was replaced, so the
        # new document is computed here.
        after = {key: value for key, value in before.items() if key not in update.get("$unset", {})}
        after.update(update["$set"], version=version + 1)
        entry = self._entry(before, after, "update", user, merged_with=merged_with)
        target = Step(self.name, "update", filter={"_id": before["_id"], "version": version},
                      update=update)  # fmt: skip
        if not self._locked_write(entry, target):
            return None  # another writer won between the read and this write
        notify_written(self.name, int(before["project"]), [str(before["_id"])], stepped=True)
        return after

    def _locked_write(self, entry: Doc, target: Step) -> bool:
        """Insert the history ``entry`` (the lock on its version), run ``target`` (the versioned
        update or delete) and the :data:`write_steps`, in one round trip; False, with nothing
        left written, when another writer holds the lock or the document is not at that
        version."""
        project_id, doc_id = int(entry["project"]), str(entry["doc"])
        steps = [Step(self.history_name, "insert", doc=entry), target,
                 *_steps_for(self.name, project_id, [doc_id])]  # fmt: skip
        for attempt in range(2):
            try:
                done = mongo.write_in_order(steps)
                break
            except StepFailed as exc:
                if exc.index == 0 and exc.duplicate:
                    if attempt == 0 and self._clear_stale_lock(entry):
                        continue
                    return False
                if exc.index == 1:  # the write itself failed: its lock goes
                    self._take_back(entry)
                if exc.index <= 1:
                    raise
                if exc.done[1:2] != [1]:  # the document was gone: as below
                    self._take_back(entry)
                    return False
                # The document and its history are written, a write that goes with them
                # failed: the listeners hear an ordinary write and make theirs again.
                logger.warning("a write step after %s %s failed: %s", self.name, doc_id, exc)
                notify_written(self.name, project_id, [doc_id])
                return True
        if done[1] == 0:  # not at that version though nobody held its lock: gone meanwhile
            self._take_back(entry)
            return False
        return True

    def _clear_stale_lock(self, entry: Doc) -> bool:
        """Remove the entry of ``entry``'s version when it is a lock its writer left: the
        document is still at that version long after the entry was made (its writer died
        between the two, which one round trip makes all but impossible on the embedded server,
        and one command a step on MongoDB 7 makes possible). Returns whether it did."""
        held = self.history_collection.find_one(
            {"doc": entry["doc"], "version": entry["version"]}, {"at": 1}
        )
        current = self.collection.find_one(
            {"_id": entry["doc"], "project": entry["project"]}, {"version": 1}
        )
        at = (held or {}).get("at")
        if held is None or current is None or current.get("version") != entry["version"]:
            return False
        if not isinstance(at, datetime) or (_now() - _aware(at)).total_seconds() < STALE_LOCK_S:
            return False
        self._take_back(entry)
        return True

    def _take_back(self, entry: Doc) -> None:
        self.history_collection.delete_one({"doc": entry["doc"], "version": entry["version"]})

    def _merge_stale(
        self,
        project_id: int,
        doc_id: str,
        expected_version: int,
        body: Mapping[str, Any],
        user: str,
        replace: bool,
        check: Check | None = None,
    ) -> Doc:
        """Apply a write made against ``expected_version`` to the current version by a
        three-way merge, or raise the 409 naming the clashing elements."""
        for _attempt in range(5):  # each retry means yet another writer came in between
            current = self._past(project_id, doc_id, expected_version)
            if current is None:
                raise self._conflict_or_missing(project_id, doc_id, expected_version)
            base = self._recorded(project_id, doc_id, expected_version)
            if base is None:  # no such version: nothing to merge against
                raise self._conflict_or_missing(project_id, doc_id, expected_version)
            base_content, current_content = _content(base), _content(current)
            mine = dict(body) if replace else {**base_content, **body}
            if self.carry is not None:  # what clients never send is no change of theirs
                mine = self.carry(base_content, mine)
            derived = self.derived_fields
            bare = self.uncarried or dict
            try:
                merged = merge(
                    bare(_without(base_content, derived)),
                    bare(_without(current_content, derived)),
                    bare(_without(mine, derived)),
                    keys=self.merge_keys,
                )
            except MergeConflict as exc:
                raise self._clash(current, expected_version, exc) from None
            if self.carry is not None and self.uncarried is not None:
                # Back where its value still holds: this write's first, then the current one's.
                merged = self.carry(current_content, self.carry(mine, merged))
            if self.rederive is not None:
                merged = self.rederive(merged)
            if check is not None:
                try:
                    check(merged)
                except DomainError as exc:
                    raise self._invalid_merge(
                        current, expected_version, exc, (base_content, current_content, mine)
                    ) from None
            # Only what differs from the current version is written, so that counters others
            # keep on the document without a new version (a text's utterance_count) survive.
            changes = {k: v for k, v in merged.items() if current_content.get(k, _ABSENT) != v}
            if not changes and set(merged) >= set(current_content):
                return current  # what this write changed is already there
            others = self._writers_since(project_id, doc_id, expected_version)
            after = self._write(
                current, changes, user, replace=False,
                drop=set(current_content) - set(merged), merged_with=others,
            )  # fmt: skip
            if after is not None:
                return after
        raise self._conflict_or_missing(project_id, doc_id, expected_version)

    def _past(self, project_id: int, doc_id: str, version: int) -> Doc | None:
        """The document once it is past ``version``: at once, or after waiting a little while
        another writer holds that version's lock (its history entry) and has not written yet;
        None when it is not past it and nobody holds the lock (a real conflict or a missing
        document: the caller says which)."""
        deadline = time.monotonic() + HISTORY_WAIT_S
        pause = 0.002
        while True:
            current = self.get(project_id, doc_id)
            if int(current["version"]) > version:
                return current
            held = self.history_collection.find_one({"doc": doc_id, "version": version}, {"_id": 1})
            if held is None or time.monotonic() >= deadline:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def _recorded(self, project_id: int, doc_id: str, version: int) -> Doc | None:
        """The state ``version`` had, from the history (its writer's lock, written before the
        document moved past it); None if it has none."""
        if version < 1:
            return None
        entry = self.history_collection.find_one({"doc": doc_id, "version": version})
        if entry is None or not _is_of(entry, project_id):
            return None
        return dict(entry["snapshot"])

    def _writers_since(self, project_id: int, doc_id: str, version: int) -> list[str]:
        entries = self.history_collection.find(
            {"doc": doc_id, "version": {"$gte": version}}, {"by": 1, "project": 1}
        )
        return sorted({str(entry["by"]) for entry in entries if _is_of(entry, project_id)})

    def _clash(self, current: Doc, expected: int, exc: MergeConflict) -> Conflict:
        elements = ", ".join(clash.element for clash in exc.clashes)
        return Conflict(
            "version_conflict",
            f"This {self.noun} changed since you read it (you had version {expected}, it is now "
            f"{current['version']}), and both changed {elements}. Your change was not saved.",
            field="version",
            extra={"current": current, "conflicts": [clash.to_json() for clash in exc.clashes]},
        )

    def _invalid_merge(
        self, current: Doc, expected: int, exc: DomainError, sides: tuple[Doc, Doc, Doc]
    ) -> Conflict:
        """Each change is valid alone but not together (an event's apex moved past the offset
        the other writer moved): the same 409 as a clash, naming the element validation named."""
        element = next(iter(exc.fields), "") or "(document)"
        base, cur, mine = (_at(side, element) for side in sides)
        return Conflict(
            "version_conflict",
            f"This {self.noun} changed since you read it (you had version {expected}, it is now "
            f"{current['version']}), and your change combined with it is not valid: "
            f"{exc.detail} Your change was not saved.",
            field="version",
            extra={
                "current": current,
                "conflicts": [
                    {"element": element, "base": base, "current": cur, "mine": mine,
                     "detail": exc.detail}
                ],
            },
        )  # fmt: skip

    def delete(self, project_id: int, doc_id: str, expected_version: int, user: str) -> None:
        before = self.collection.find_one({"_id": doc_id, "project": project_id})
        if (
            before is None
            or not _is_of(before, project_id, expected_version)
            or not self._locked_write(
                self._entry(before, None, "delete", user),
                Step(self.name, "delete", filter={"_id": doc_id, "version": expected_version}),
            )
        ):
            raise self._conflict_or_missing(project_id, doc_id, expected_version)
        notify_written(self.name, project_id, [doc_id], stepped=True)

    def _entry(
        self,
        before: Doc,
        after: Doc | None,
        op: str,
        user: str,
        *,
        merged_with: list[str] | None = None,
    ) -> Doc:
        """The history entry of a change of ``before``: who, when, which fields, the state."""
        entry = {
            "doc": before["_id"],
            "project": before["project"],
            "version": before["version"],
            "op": op,
            "by": user,
            "at": _now(),
            "changed": _changed(before, after or {}),
            "snapshot": before,
        }
        if merged_with is not None:
            # A stale write merged into the current version: who wrote what it was merged with.
            entry["merged_with"] = merged_with
        return entry

    def history(self, project_id: int, doc_id: str) -> list[Doc]:
        """Newest first: each entry is the state that version ``version`` had before a change."""
        entries = self.history_collection.find({"doc": doc_id}, {"snapshot": 0})
        return [entry for entry in entries.sort("version", DESCENDING) if _is_of(entry, project_id)]

    def version(self, project_id: int, doc_id: str, version: int) -> Doc:
        current = self.collection.find_one({"_id": doc_id, "project": project_id})
        if current is not None and current["version"] == version:
            return current
        entry = self.history_collection.find_one({"doc": doc_id, "version": version})
        if entry is None or not _is_of(entry, project_id):
            raise DomainError(
                "not_found", f"{self.noun} {doc_id} has no version {version}.", status_code=404
            )
        return dict(entry["snapshot"])

    def revert(
        self, project_id: int, doc_id: str, to_version: int, expected_version: int, user: str
    ) -> Doc:
        """Make the content of ``to_version`` current again, as a new version."""
        old = self.version(project_id, doc_id, to_version)
        # A revert restores a whole version: made against a stale one it is refused, not merged.
        return self.update(
            project_id, doc_id, expected_version, old, user, replace=True, merge=False
        )

    def delete_project(self, project_id: int) -> None:
        self.collection.delete_many({"project": project_id})
        self.history_collection.delete_many({"project": project_id})
