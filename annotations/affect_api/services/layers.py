"""Annotation layers of a video: reading, writing, history, revert, and their realtime events.

Only a layer's annotator or a manager may change it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User
from rest_framework import status

from annotations.affect.model import Event, Layer, Segment, Trace
from annotations.affect.schema import AffectSchema, ValidationError
from annotations.affect_api import documents
from annotations.affect_api.services.common import invalid, is_manager
from annotations.affect_api.services.schema import project_schema
from annotations.affect_api.services.videos import get_video
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.projects.models import Project, Role
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc, new_id

# A layer event carries the traces its write replaced up to this many values (a minute of 12 AU
# tracks at 30 fps is 21,600); beyond, ``traces_omitted`` tells an open workspace to fetch them,
# rather than pushing megabytes to every socket of the project.
MAX_EVENT_TRACE_VALUES = 100_000


def layer_event(
    project: Project, kind: str, doc: Mapping[str, Any], traces: Mapping[str, Trace] | None = None
) -> None:
    """Broadcast a layer write: the layer as GET .../layers/<id>/ serves it, with ``traces`` only
    when this write replaced them."""
    from annotations.affect_api.serializers import LayerDetailSerializer, LayerSerializer

    payload: dict[str, Any] = {"id": doc["_id"], "video": doc["video_id"], "layer": doc["_id"],
                               "version": doc["version"]}  # fmt: skip
    if traces is not None and sum(len(t.values) for t in traces.values()) <= MAX_EVENT_TRACE_VALUES:
        shown = {**doc, "traces": {name: trace.to_doc() for name, trace in traces.items()}}
        payload["data"] = dict(LayerDetailSerializer(shown).data)
    else:
        payload["data"] = dict(LayerSerializer(doc).data)
        if traces is not None:
            payload["traces_omitted"] = True
    broadcast(project.pk, kind, payload)


def _layer_from_input(
    layer_id: str,
    video_id: str,
    annotator: str,
    kind: str,
    data: Mapping[str, Any],
    schema: AffectSchema,
) -> Layer:
    traces = data.get("traces") or {}
    try:
        layer = Layer(
            layer_id=layer_id,
            video_id=video_id,
            annotator=annotator,
            kind=kind,  # type: ignore[arg-type]  # Layer.validate checks it
            schema_version=schema.version,
            segments=[Segment(**s) for s in data.get("segments", [])],
            events=[Event(**e) for e in data.get("events", [])],
            traces={name: Trace(name, float(t["fps"]), t["values"]) for name, t in traces.items()},
        )
    except ValidationError as exc:
        raise invalid(exc) from None
    return layer


def validate_layer(layer: Layer, video: Mapping[str, Any], schema: AffectSchema) -> None:
    """Check a layer against the project's schema; the layer is stamped with its version."""
    layer.schema_version = schema.version
    try:
        layer.validate(schema, duration_ms=int(video["duration_ms"]))
    except ValidationError as exc:
        raise invalid(exc) from None


def write_traces(project: Project, layer: Layer) -> None:
    buckets = documents.trace_buckets()
    buckets.delete_many({"layer_id": layer.layer_id})
    docs = [{**b.to_doc(), "project": project.pk} for b in layer.trace_buckets()]
    if docs:
        buckets.insert_many(docs)


def list_layers(project: Project, video_id: str) -> list[Doc]:
    get_video(project, video_id)
    query = {"video_id": video_id}
    return list(documents.layers.find(project.pk, query, sort=[("created_at", 1), ("_id", 1)]))


def get_layer(project: Project, video_id: str, layer_id: str) -> Doc:
    doc = documents.layers.get(project.pk, layer_id)
    if doc["video_id"] != video_id:
        raise DomainError("not_found", f"No layer with id {layer_id}.", status_code=404)
    return doc


def load_layer(project: Project, doc: Mapping[str, Any]) -> Layer:
    buckets = documents.trace_buckets().find(
        {"layer_id": doc["_id"], "project": project.pk}, sort=[("track", 1), ("bucket", 1)]
    )
    return Layer.from_doc(dict(doc), buckets)


def create_layer(
    user: User, role: Role | None, project: Project, video_id: str, data: Mapping[str, Any]
) -> Doc:
    """A coder layer belongs to its creator (one per video); gold/model layers need a manager."""
    video = get_video(project, video_id)
    kind = str(data.get("kind", "coder"))
    if kind != "coder" and not is_manager(role):
        raise DomainError(
            "permission_denied",
            f"Only a manager may create a {kind} layer.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    existing = documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": user.username, "kind": kind}
    )
    if existing is not None:
        raise Conflict(
            "layer_exists",
            f"You already have a {kind} layer on this video; update that one.",
            extra={"current": existing},
        )
    schema = project_schema(project)
    layer = _layer_from_input(new_id(), video_id, user.username, kind, data, schema)
    validate_layer(layer, video, schema)
    documents.layers.insert(project.pk, {"_id": layer.layer_id, **layer.to_doc()}, user.username)
    write_traces(project, layer)
    doc = documents.layers.get(project.pk, layer.layer_id)
    layer_event(project, "affect.layer.created", doc, layer.traces if "traces" in data else None)
    return doc


def update_layer(
    user: User,
    role: Role | None,
    project: Project,
    video_id: str,
    layer_id: str,
    expected_version: int,
    data: Mapping[str, Any],
) -> Doc:
    """Replace a layer's annotations if it is still at ``expected_version``.

    Traces are replaced only when the body has ``traces``. Only the layer's annotator or a
    manager may write; a stale version gets a 409 with the current layer and writes nothing.
    """
    video = get_video(project, video_id)
    current = get_layer(project, video_id, layer_id)
    _check_layer_owner(user, role, current)
    if "traces" in data:
        traces = data
    else:
        kept = load_layer(project, current).traces
        traces = {"traces": {n: {"fps": t.fps, "values": t.values} for n, t in kept.items()}}
    schema = project_schema(project)
    layer = _layer_from_input(
        layer_id, video_id, current["annotator"], current["kind"], {**data, **traces}, schema
    )
    validate_layer(layer, video, schema)
    # Traces are written beside the document, so a save with traces is never merged.
    doc = documents.layers.update(
        project.pk, layer_id, expected_version, layer.to_doc(), user.username,
        merge="traces" not in data, check=_merged_layer_check(video, schema),
    )  # fmt: skip
    if "traces" in data:
        write_traces(project, layer)
    layer_event(project, "affect.layer.updated", doc, layer.traces if "traces" in data else None)
    return doc


def _merged_layer_check(video: Mapping[str, Any], schema: AffectSchema) -> Callable[[Doc], None]:
    """A merged layer must pass the validation its save passed (an event whose apex one coder
    moved and whose offset another moved can end with the apex after the offset)."""

    def check(doc: Doc) -> None:
        try:
            layer = Layer.from_doc(doc)
        except ValidationError as exc:
            raise invalid(exc) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError("invalid", f"Not a layer: {exc}", field="segments") from None
        validate_layer(layer, video, schema)

    return check


def _check_layer_owner(user: User, role: Role | None, layer: Mapping[str, Any]) -> None:
    if layer["annotator"] != user.username and not is_manager(role):
        raise DomainError(
            "permission_denied",
            f"This layer belongs to {layer['annotator']}; only they or a manager may change it.",
            status_code=status.HTTP_403_FORBIDDEN,
        )


def layer_history(project: Project, video_id: str, layer_id: str) -> list[Doc]:
    get_layer(project, video_id, layer_id)
    return documents.layers.history(project.pk, layer_id)


def layer_version(project: Project, video_id: str, layer_id: str, version: int) -> Doc:
    """The stored segments and events of one version of a layer (traces are not versioned)."""
    get_layer(project, video_id, layer_id)
    try:
        return documents.layers.version(project.pk, layer_id, version)
    except DomainError:
        raise DomainError(
            "not_found",
            f"This layer has no version {version}.",
            field="version",
            status_code=status.HTTP_404_NOT_FOUND,
        ) from None


def revert_layer(
    user: User,
    role: Role | None,
    project: Project,
    video_id: str,
    layer_id: str,
    to_version: int,
    expected_version: int,
) -> Doc:
    """Make the segments and events of ``to_version`` current again, as a new version.

    Traces are not versioned (they live in buckets), so the current traces are kept. The old
    content must still fit the project's schema; a stale ``expected_version`` is a 409.
    """
    video = get_video(project, video_id)
    current = get_layer(project, video_id, layer_id)
    _check_layer_owner(user, role, current)
    try:
        old = documents.layers.version(project.pk, layer_id, to_version)
    except DomainError:
        raise DomainError(
            "invalid", f"This layer has no version {to_version}.", field="to_version"
        ) from None
    try:
        layer = Layer.from_doc({**old, "layer_id": layer_id})
    except ValidationError as exc:
        raise invalid(exc) from None
    layer.traces = load_layer(project, current).traces
    validate_layer(layer, video, project_schema(project))
    doc = documents.layers.update(
        project.pk, layer_id, expected_version, layer.to_doc(), user.username, merge=False
    )
    layer_event(project, "affect.layer.updated", doc)
    return doc


def write_layer(
    user: User,
    project: Project,
    layer: Layer,
    current: Doc | None,
    expected_version: int | None = None,
) -> Doc:
    """Insert a new layer, or replace ``current`` (traces too) with a new version; a stale
    ``expected_version`` is a 409 that writes nothing."""
    if current is None:
        documents.layers.insert(
            project.pk, {"_id": layer.layer_id, **layer.to_doc()}, user.username
        )
        event = "affect.layer.created"
    else:
        expected = int(current["version"]) if expected_version is None else expected_version
        documents.layers.update(
            project.pk, layer.layer_id, expected, layer.to_doc(), user.username, merge=False
        )
        event = "affect.layer.updated"
    write_traces(project, layer)
    doc = documents.layers.get(project.pk, layer.layer_id)
    layer_event(project, event, doc, layer.traces)
    return doc


def own_layer(project: Project, video_id: str, annotator: str, kind: str) -> Doc | None:
    return documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": annotator, "kind": kind}
    )


def coder_layers(
    project: Project, video_id: str, kinds: tuple[str, ...] = ("coder",)
) -> list[Layer]:
    docs = [d for d in list_layers(project, video_id) if d.get("kind") in kinds]
    return sorted((load_layer(project, d) for d in docs), key=lambda layer: layer.annotator)
