"""Resumable (chunked) uploads of a video; see docs/api-uploads.md."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import (
    UploadCreateSerializer,
    UploadSerializer,
    VideoSerializer,
)
from annotations.affect_api.services import uploads
from fieldmark.api.auth import user_of
from fieldmark.api.errors import DomainError
from fieldmark.api.parsers import JSONParser
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
