"""The project's label schema (AUs, emotion set, dimensions), versioned like a document."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from pymongo.errors import DuplicateKeyError

from annotations.affect.schema import (
    DEFAULT_SCHEMA,
    DIMENSION_RANGE,
    DIMENSIONS,
    FACS_AUS,
    AffectSchema,
    ValidationError,
    emotion_preset,
    emotion_set,
    facs_action_unit,
)
from annotations.affect_api import documents
from annotations.affect_api.services.common import invalid
from fieldmark.api.errors import Conflict
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc


def _schema_body(schema: AffectSchema) -> dict[str, Any]:
    body = schema.to_doc()
    del body["version"]  # the stored document's own version is the schema's version
    return body


def project_schema(project: Project) -> AffectSchema:
    """The project's label schema; the default one until a manager sets another."""
    doc = documents.schemas.collection.find_one(
        {"_id": documents.schema_id(project.pk), "project": project.pk}
    )
    return DEFAULT_SCHEMA if doc is None else AffectSchema.from_doc(doc)


def schema_doc(project: Project) -> Doc:
    """The stored schema document, or the default schema shaped like one (version 1)."""
    doc = documents.schemas.collection.find_one(
        {"_id": documents.schema_id(project.pk), "project": project.pk}
    )
    if doc is not None:
        return doc
    return {
        "_id": documents.schema_id(project.pk),
        "version": DEFAULT_SCHEMA.version,
        **_schema_body(DEFAULT_SCHEMA),
        "created_at": None,
        "created_by": None,
        "updated_at": None,
        "updated_by": None,
    }


def describe_schema(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A schema document as the API shows it: AU codes, the emotion preset, the fixed scales."""
    schema = AffectSchema.from_doc(dict(doc))
    return {
        "version": schema.version,
        "action_units": [{"code": au.code, "name": au.name} for au in schema.action_units],
        "emotions": {
            "preset": emotion_preset(schema.emotions),
            "name": schema.emotions.name,
            "categories": list(schema.emotions.categories),
        },
        "dimensions": list(schema.dimensions),
        "dimension_range": list(DIMENSION_RANGE),
        "notes": schema.notes,
        "updated_at": doc.get("updated_at"),
        "updated_by": doc.get("updated_by"),
    }


def _schema_from_input(data: Mapping[str, Any], version: int) -> AffectSchema:
    try:
        if "action_units" in data:
            aus = tuple(
                facs_action_unit(str(a["code"]), a.get("name") or None, field=f"action_units.{i}")
                for i, a in enumerate(data["action_units"])
            )
        else:
            aus = FACS_AUS
        return AffectSchema(
            version=version,
            action_units=aus,
            emotions=emotion_set(data.get("emotions", "ekman")),
            dimensions=tuple(data.get("dimensions", DIMENSIONS)),
            notes=bool(data.get("notes", True)),
        )
    except ValidationError as exc:
        raise invalid(exc) from None


def put_schema(user: User, project: Project, expected_version: int, data: Mapping[str, Any]) -> Doc:
    """Replace the project's label schema if it is still at ``expected_version`` (the default
    schema is version 1). Layers are checked against the new schema when next written."""
    schema = _schema_from_input(data, expected_version + 1)
    schema_id = documents.schema_id(project.pk)
    stored = documents.schemas.collection.find_one({"_id": schema_id, "project": project.pk})
    if stored is None:
        if expected_version != DEFAULT_SCHEMA.version:
            raise Conflict(
                "version_conflict",
                f"This label schema changed since you read it (you had version "
                f"{expected_version}, it is now {DEFAULT_SCHEMA.version}). "
                "Your change was not saved.",
                field="version",
                extra={"current": schema_doc(project)},
            )
        # The default becomes version 1 of the history, so it can be reverted to.
        with contextlib.suppress(DuplicateKeyError):
            documents.schemas.insert(
                project.pk, {"_id": schema_id, **_schema_body(DEFAULT_SCHEMA)}, user.username
            )
    doc = documents.schemas.update(
        project.pk, schema_id, expected_version, _schema_body(schema), user.username, replace=True
    )
    # The label schema as GET .../affect/schema/ serves it.
    from annotations.affect_api.serializers import SchemaSerializer

    data = dict(SchemaSerializer(describe_schema(doc)).data)
    broadcast(
        project.pk,
        "affect.schema.updated",
        {"id": doc["_id"], "version": doc["version"], "data": data},
    )
    return doc


def schema_history(project: Project) -> list[Doc]:
    return documents.schemas.history(project.pk, documents.schema_id(project.pk))
