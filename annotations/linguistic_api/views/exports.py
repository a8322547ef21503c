"""Exports: streamed directly, or written by a job and downloaded."""

from __future__ import annotations

from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import serializers as s
from annotations.linguistic_api import services
from annotations.linguistic_api.views.common import AnyRenderer, file_response, valid
from fieldmark.api.auth import user_of
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class ExportView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = AnyRenderer

    @extend_schema(parameters=[s.ExportQuerySerializer], responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        query = valid(s.ExportQuerySerializer(data=request.query_params))
        fmt = query["format"]
        content_type, extension = services.EXPORT_TYPES[fmt]
        chunks = services.export_chunks(self.project, fmt, query.get("text"))
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in chunks), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.project.slug}.{extension}"'
        return response


class ExportJobView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EXPORT_DATA}

    @extend_schema(request=s.ExportRequestSerializer, responses={202: JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.ExportRequestSerializer(data=request.data))
        job = services.start_export(
            user_of(request), self.project, body["format"], body.get("text")
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = AnyRenderer

    @extend_schema(
        responses={200: OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not yet.")}
    )
    def get(self, request: Request, slug: str, job_id: str) -> HttpResponseBase:
        job = services.finished_file(self.project, job_id, "linguistic.export")
        fmt = str(job.result["format"])
        content_type, extension = services.EXPORT_TYPES[fmt]
        return file_response(
            job, f"{content_type}; charset=utf-8", f"{self.project.slug}.{extension}"
        )
