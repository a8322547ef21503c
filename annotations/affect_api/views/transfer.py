"""Layers in and out of files: export of a video's layers, import from a file."""

from __future__ import annotations

from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import LayerImportResultSerializer, LayerImportSerializer
from annotations.affect_api.services import exports, imports, videos
from annotations.affect_api.views.common import FirstRenderer, attachment
from fieldmark.api.auth import user_of
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
        response["Content-Disposition"] = attachment(result.filename)
        return response


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
