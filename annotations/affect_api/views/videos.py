"""Videos: list, upload, detail, the ranged stream, the poster and scrub-bar stills."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import (
    ThumbnailsSerializer,
    VideoSerializer,
    VideoUploadSerializer,
)
from annotations.affect_api.services import streaming, thumbnails, videos
from annotations.affect_api.views.common import FirstRenderer
from fieldmark.api.auth import user_of
from fieldmark.api.errors import DomainError, error_body
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
