"""Thin REST views of the affect API: check the action, validate, call one service, serialize."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import (
    GoldSerializer,
    HistoryEntrySerializer,
    LayerCreateSerializer,
    LayerDetailSerializer,
    LayerImportResultSerializer,
    LayerImportSerializer,
    LayerRevertSerializer,
    LayerSerializer,
    LayerUpdateSerializer,
    LinkCreateSerializer,
    LinkSerializer,
    SchemaSerializer,
    SchemaWriteSerializer,
    ThumbnailsSerializer,
    UploadCreateSerializer,
    UploadSerializer,
    VideoSerializer,
    VideoUploadSerializer,
)
from annotations.affect_api.services import (
    agreement,
    exports,
    gold,
    imports,
    layers,
    links,
    schema,
    streaming,
    thumbnails,
    uploads,
    videos,
)
from fieldmark.api.auth import user_of
from fieldmark.api.errors import Conflict, DomainError, error_body
from fieldmark.api.parsers import JSONParser
from fieldmark.api.versions import expected_version
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class FirstRenderer(BaseContentNegotiation):
    """Binary endpoints answer whatever the client accepts (a ``<video>`` element sends
    ``video/*``) and leave ``?format=`` to the view; errors still render as JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, str(first.media_type)


def _attachment(filename: str) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)
    return f'attachment; filename="{safe}"'


class VideoListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=VideoSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return Response(VideoSerializer(videos.list_videos(self.project), many=True).data)

    @extend_schema(
        request={"multipart/form-data": VideoUploadSerializer},
        responses={201: VideoSerializer},
        description=f"Upload a video (at most {videos.MAX_VIDEO_BYTES} bytes).",
    )
    def post(self, request: Request, slug: str) -> Response:
        # Refuse an oversized body before Django reads it into temporary files.
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            videos.check_upload_size(int(length) - 64 * 1024)
        serializer = VideoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        doc = videos.upload_video(user_of(request), self.project, serializer.validated_data["file"])
        return Response(VideoSerializer(doc).data, status=status.HTTP_201_CREATED)


class VideoDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=VideoSerializer)
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        return Response(VideoSerializer(videos.get_video(self.project, video_id)).data)


class VideoStreamView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}
    content_negotiation_class = FirstRenderer

    @extend_schema(
        parameters=[
            OpenApiParameter("Range", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter(
                "source",
                str,
                enum=["original"],
                description="`original`: the uploaded file, not its H.264 copy.",
            ),
        ],
        description="The H.264 copy when the video was transcoded, else the uploaded file.",
        responses={
            (200, "video/mp4"): OpenApiTypes.BINARY,
            (206, "video/mp4"): OpenApiTypes.BINARY,
            416: OpenApiResponse(description="The range lies outside the file."),
        },
    )
    def get(self, request: Request, slug: str, video_id: str) -> HttpResponseBase:
        video = videos.get_video(self.project, video_id)
        original = request.query_params.get("source") == "original"
        stored = streaming.stream_file(video, original=original)
        size = stored.size
        try:
            byte_range = streaming.parse_range(request.headers.get("Range"), size)
        except streaming.RangeNotSatisfiable:
            response = Response(
                error_body("range_not_satisfiable", f"The file has {size} bytes."),
                status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
            )
            response["Content-Range"] = f"bytes */{size}"
            return response
        whole = byte_range is None
        chunk = byte_range or streaming.ByteRange(0, size)
        body: Iterator[bytes] = streaming.read_bytes(stored.name, chunk)
        streamed = StreamingHttpResponse(
            body,
            content_type=stored.content_type,
            status=status.HTTP_200_OK if whole else status.HTTP_206_PARTIAL_CONTENT,
        )
        streamed["Accept-Ranges"] = "bytes"
        streamed["Content-Length"] = str(chunk.length)
        streamed["ETag"] = f'"{stored.etag}"'
        streamed["Cache-Control"] = "private, max-age=3600"
        if not whole:
            streamed["Content-Range"] = f"bytes {chunk.start}-{chunk.stop - 1}/{size}"
        return streamed


class VideoPosterView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}
    content_negotiation_class = FirstRenderer

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str, video_id: str) -> HttpResponseBase:
        video = videos.get_video(self.project, video_id)
        response = FileResponse(
            default_storage.open(str(video["poster_name"]), "rb"), content_type="image/jpeg"
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response


class LayerListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=LayerSerializer(many=True))
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        docs = layers.list_layers(self.project, video_id)
        return Response(LayerSerializer(docs, many=True).data)

    @extend_schema(request=LayerCreateSerializer, responses={201: LayerSerializer})
    def post(self, request: Request, slug: str, video_id: str) -> Response:
        serializer = LayerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            doc = layers.create_layer(
                user_of(request), self.role, self.project, video_id, serializer.validated_data
            )
        except Conflict as exc:
            exc.extra["current"] = LayerSerializer(exc.extra["current"]).data
            raise
        return Response(LayerSerializer(doc).data, status=status.HTTP_201_CREATED)


class LayerDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.EDIT_DATA}

    @extend_schema(responses=LayerDetailSerializer)
    def get(self, request: Request, slug: str, video_id: str, layer_id: str) -> Response:
        doc = layers.get_layer(self.project, video_id, layer_id)
        traces = layers.load_layer(self.project, doc).traces
        data = {**doc, "traces": {name: trace.to_doc() for name, trace in traces.items()}}
        response = Response(LayerDetailSerializer(data).data)
        response["ETag"] = f'"{doc["version"]}"'
        return response

    @extend_schema(
        request=LayerUpdateSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={200: LayerSerializer, 409: OpenApiResponse(description="Stale version.")},
    )
    def put(self, request: Request, slug: str, video_id: str, layer_id: str) -> Response:
        serializer = LayerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = dict(serializer.validated_data)
        expected = expected_version(request, body)
        body.pop("version", None)
        try:
            doc = layers.update_layer(
                user_of(request), self.role, self.project, video_id, layer_id, expected, body
            )
        except Conflict as exc:
            exc.extra["current"] = LayerSerializer(exc.extra["current"]).data
            raise
        response = Response(LayerSerializer(doc).data)
        response["ETag"] = f'"{doc["version"]}"'
        return response


class LayerHistoryView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request: Request, slug: str, video_id: str, layer_id: str) -> Response:
        entries = layers.layer_history(self.project, video_id, layer_id)
        return Response(HistoryEntrySerializer(entries, many=True).data)


class LayerVersionView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        responses={200: LayerSerializer, 404: OpenApiResponse(description="No such version.")},
        description="One version of a layer as it was stored (segments, events; not traces), "
        "to compare with the current one before a revert.",
    )
    def get(
        self, request: Request, slug: str, video_id: str, layer_id: str, version: int
    ) -> Response:
        doc = layers.layer_version(self.project, video_id, layer_id, version)
        return Response(LayerSerializer(doc).data)


class AgreementView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        parameters=[
            OpenApiParameter("aus", str, description="Comma-separated AUs (default: all)."),
            OpenApiParameter("machine", bool, description="Machine layers count as coders."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        machine = request.query_params.get("machine") in ("1", "true")
        return Response(agreement.agreement(self.project, video_id, _aus_param(request), machine))


class ExportView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = FirstRenderer

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.EXPORT_FORMATS), required=True),
            OpenApiParameter("layer", str, description="The layer (required for frames.csv)."),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, slug: str, video_id: str) -> HttpResponseBase:
        stream_url = request.build_absolute_uri(f"/api/v1/projects/{slug}/videos/{video_id}/stream")
        result = exports.export(
            self.project,
            video_id,
            request.query_params.get("format", ""),
            stream_url,
            request.query_params.get("layer"),
        )
        response = StreamingHttpResponse(result.chunks, content_type=result.content_type)
        response["Content-Disposition"] = _attachment(result.filename)
        return response


# --- resumable uploads -----------------------------------------------------------------------


class ChunkParser(BaseParser):
    """Names the chunk body's media type for the schema; the view streams the body itself."""

    media_type = "application/offset+octet-stream"


def _with_offset(data: dict[str, Any], response_status: int = status.HTTP_200_OK) -> Response:
    response = Response(UploadSerializer(data).data, status=response_status)
    response["Upload-Offset"] = str(data["offset"])
    return response


class UploadListView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [JSONParser]

    @extend_schema(
        request=UploadCreateSerializer,
        responses={201: UploadSerializer},
        description=(
            "Announce a resumable upload (at most "
            f"{uploads.MAX_CHUNKED_UPLOAD_BYTES} bytes); see docs/api-uploads.md."
        ),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = UploadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        state = uploads.create_upload(
            user_of(request), self.project, data["filename"], data["size"]
        )
        return _with_offset(state, status.HTTP_201_CREATED)


class UploadDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.IMPORT_DATA, "PUT": Action.IMPORT_DATA,
                       "DELETE": Action.IMPORT_DATA}  # fmt: skip
    parser_classes = [ChunkParser]

    @extend_schema(responses=UploadSerializer)
    def get(self, request: Request, slug: str, upload_id: str) -> Response:
        return _with_offset(uploads.upload_state(self.project, upload_id))

    @extend_schema(
        request={"application/offset+octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True)],
        responses={
            200: UploadSerializer,
            409: OpenApiResponse(description="Wrong offset; `offset` says where to resume."),
        },
    )
    def put(self, request: Request, slug: str, upload_id: str) -> Response:
        offset = (request.headers.get("Upload-Offset") or "").strip()
        if not offset.isdigit():
            raise DomainError(
                "invalid", "Upload-Offset must be the byte offset of this chunk.",
                field="Upload-Offset",
            )  # fmt: skip
        length = (request.META.get("CONTENT_LENGTH") or "").strip()
        if not length.isdigit():
            raise DomainError(
                "length_required", "Send the chunk with a Content-Length.", field="file",
                status_code=status.HTTP_411_LENGTH_REQUIRED,
            )  # fmt: skip
        # The body is streamed to disk from the raw request, never held in memory.
        state = uploads.append_chunk(
            self.project, upload_id, int(offset), int(length), request._request
        )
        return _with_offset(state)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, upload_id: str) -> Response:
        uploads.cancel_upload(self.project, upload_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadFinishView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}

    @extend_schema(
        request=None,
        responses={201: VideoSerializer},
        description="Make the video from a complete upload, as a direct upload would.",
    )
    def post(self, request: Request, slug: str, upload_id: str) -> Response:
        doc = uploads.finish_upload(user_of(request), self.project, upload_id)
        return Response(VideoSerializer(doc).data, status=status.HTTP_201_CREATED)


# --- imports and adjudication ----------------------------------------------------------------


class ImportView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LayerImportSerializer},
        responses={201: LayerImportResultSerializer},
        description="Import layers (all or nothing); an annotator's existing layer is replaced.",
    )
    def post(self, request: Request, slug: str, video_id: str) -> Response:
        serializer = LayerImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        videos.check_upload_size(upload.size, imports.MAX_IMPORT_BYTES)
        result = imports.import_layers(
            user_of(request),
            self.project,
            video_id,
            data["format"],
            upload.read(),
            annotator=data.get("annotator"),
            kind=data["kind"],
        )
        body = {"created": result.created, "updated": result.updated}
        return Response(LayerImportResultSerializer(body).data, status=status.HTTP_201_CREATED)


class GoldView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}

    @extend_schema(
        request=GoldSerializer,
        responses={200: LayerSerializer, 201: LayerSerializer, 409: OpenApiResponse()},
        description="Build (201) or rebuild (200) your gold layer from the coder layers.",
    )
    def post(self, request: Request, slug: str, video_id: str) -> Response:
        serializer = GoldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            doc, created = gold.build_gold(
                user_of(request),
                self.project,
                video_id,
                data["method"],
                tie_break=data.get("tie_break"),
                assignments=data.get("assignments"),
                aus=data.get("aus"),
                expected_version=data.get("version"),
            )
        except Conflict as exc:
            exc.extra["current"] = LayerSerializer(exc.extra["current"]).data
            raise
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(LayerSerializer(doc).data, status=code)


# --- layer revert, label schema, project agreement ------------------------------------------

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)
STALE = OpenApiResponse(description="Stale version: the body's `current` is the document now.")


class LayerRevertView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=LayerRevertSerializer,
        parameters=[IF_MATCH],
        responses={200: LayerSerializer, 409: STALE},
        description="Bring back a version's segments and events (traces are kept) as a new "
        "version; the layer's annotator or a manager.",
    )
    def post(self, request: Request, slug: str, video_id: str, layer_id: str) -> Response:
        serializer = LayerRevertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = dict(serializer.validated_data)
        expected = expected_version(request, body)
        try:
            doc = layers.revert_layer(
                user_of(request), self.role, self.project, video_id, layer_id,
                body["to_version"], expected,
            )  # fmt: skip
        except Conflict as exc:
            exc.extra["current"] = LayerSerializer(exc.extra["current"]).data
            raise
        response = Response(LayerSerializer(doc).data)
        response["ETag"] = f'"{doc["version"]}"'
        return response


def _schema_response(doc: dict[str, Any]) -> Response:
    response = Response(SchemaSerializer(schema.describe_schema(doc)).data)
    response["ETag"] = f'"{doc["version"]}"'
    return response


class SchemaView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.MANAGE_SCHEMA}

    @extend_schema(responses=SchemaSerializer, description="The default schema is version 1.")
    def get(self, request: Request, slug: str) -> Response:
        return _schema_response(schema.schema_doc(self.project))

    @extend_schema(
        request=SchemaWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: SchemaSerializer, 409: STALE},
        description="Replace the label schema; fields left out take their defaults.",
    )
    def put(self, request: Request, slug: str) -> Response:
        serializer = SchemaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = dict(serializer.validated_data)
        expected = expected_version(request, body)
        body.pop("version", None)
        try:
            doc = schema.put_schema(user_of(request), self.project, expected, body)
        except Conflict as exc:
            exc.extra["current"] = SchemaSerializer(
                schema.describe_schema(exc.extra["current"])
            ).data
            raise
        return _schema_response(doc)


class SchemaHistoryView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        entries = schema.schema_history(self.project)
        return Response(HistoryEntrySerializer(entries, many=True).data)


def _aus_param(request: Request) -> list[str] | None:
    aus = request.query_params.get("aus")
    return [a for a in aus.split(",") if a.strip()] if aus else None


class ProjectAgreementView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        parameters=[
            OpenApiParameter("aus", str, description="Comma-separated AUs (default: all)."),
            OpenApiParameter("machine", bool, description="Machine layers count as coders."),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description="Every video with at least two coder layers, and all their frames pooled.",
    )
    def get(self, request: Request, slug: str) -> Response:
        machine = request.query_params.get("machine") in ("1", "true")
        return Response(agreement.project_agreement(self.project, _aus_param(request), machine))


# --- speech <-> face links ------------------------------------------------------------------


class LinkListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(
        parameters=[OpenApiParameter("utterance", str), OpenApiParameter("video", str)],
        responses=LinkSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        docs = links.list_links(
            self.project,
            video_id=request.query_params.get("video"),
            utterance=request.query_params.get("utterance"),
        )
        return Response(LinkSerializer(docs, many=True).data)

    @extend_schema(request=LinkCreateSerializer, responses={201: LinkSerializer})
    def post(self, request: Request, slug: str) -> Response:
        serializer = LinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        doc = links.create_link(user_of(request), self.project, serializer.validated_data)
        return Response(LinkSerializer(doc).data, status=status.HTTP_201_CREATED)


class LinkDetailView(ProjectScopedMixin, APIView):
    project_actions = {"DELETE": Action.EDIT_DATA}

    @extend_schema(
        parameters=[IF_MATCH, OpenApiParameter("version", int, required=False)],
        responses={204: None, 409: STALE},
        description="The link's creator or a manager.",
    )
    def delete(self, request: Request, slug: str, link_id: str) -> Response:
        expected = expected_version(request, {"version": request.query_params.get("version")})
        try:
            links.delete_link(user_of(request), self.role, self.project, link_id, expected)
        except Conflict as exc:
            exc.extra["current"] = LinkSerializer(exc.extra["current"]).data
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoLinkListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=LinkSerializer(many=True))
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        docs = links.list_links(self.project, video_id=video_id)
        return Response(LinkSerializer(docs, many=True).data)


# --- thumbnails -----------------------------------------------------------------------------

COUNT = OpenApiParameter(
    "count", int, description=f"1..{thumbnails.MAX_THUMBNAILS} stills (default 10)."
)


def _count(request: Request) -> int:
    raw = request.query_params.get("count", "10").strip()
    # isdigit() alone accepts "²", which int() refuses; the length bound keeps int() cheap.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise DomainError("invalid", f"count must be an integer, got {raw!r}.", field="count")
    return int(raw)


class ThumbnailListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(parameters=[COUNT], responses=ThumbnailsSerializer)
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        count = _count(request)
        times = thumbnails.thumbnail_times(self.project, video_id, count)
        return Response(ThumbnailsSerializer({"count": count, "times": times}).data)


class ThumbnailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}
    content_negotiation_class = FirstRenderer

    @extend_schema(parameters=[COUNT], responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str, video_id: str, index: int) -> HttpResponseBase:
        name = thumbnails.thumbnail_name(self.project, video_id, _count(request), index)
        response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response
