"""Imports: a file as a job, and the EAF tier and Toolbox previews before one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import serializers as s
from annotations.linguistic_api import services
from annotations.linguistic_api.services import imports as import_services
from annotations.linguistic_api.views.common import valid
from fieldmark.api.auth import user_of
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class ImportView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={202: JobSerializer, 413: OpenApiResponse(description="File too large.")},
        description=f"Import a file (at most {import_services.MAX_IMPORT_BYTES} bytes) as a job.",
    )
    def post(self, request: Request, slug: str) -> Response:
        # Refuse an oversized body before Django spools it to disk.
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            services.check_upload_size(int(length) - 64 * 1024)
        body = valid(s.ImportSerializer(data=request.data))
        job = services.start_import(user_of(request), self.project, body["file"], body["format"])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobView(ImportView):
    """``POST imports/`` with the ELAN ``mapping`` field besides the file and format."""

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={202: JobSerializer, 413: OpenApiResponse(description="File too large.")},
        description=f"Import a file (at most {import_services.MAX_IMPORT_BYTES} bytes) as a job; "
        "an ELAN (`eaf`) file needs a tier `mapping` (JSON).",
    )
    def post(self, request: Request, slug: str) -> Response:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            services.check_upload_size(int(length) - 64 * 1024)
        body = valid(s.ImportRequestSerializer(data=request.data))
        job = services.start_import(
            user_of(request), self.project, body["file"], body["format"], body.get("mapping")
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class EafTiersView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.EafUploadSerializer},
        responses=s.TierInfoSerializer(many=True),
        description="The tiers of an ELAN file, to choose the mapping of an `eaf` import.",
    )
    def post(self, request: Request, slug: str) -> Response:
        upload = valid(s.EafUploadSerializer(data=request.data))["file"]
        tiers = services.eaf_tiers(upload)
        return Response(s.TierInfoSerializer(tiers, many=True).data)


class EafPreviewView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.EafPreviewRequestSerializer},
        responses=s.EafPreviewSerializer,
        description="The first utterances an `eaf` import would make with this tier mapping.",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.EafPreviewRequestSerializer(data=request.data))
        preview = services.eaf_preview(body["file"], body["mapping"], body["records"])
        return Response(s.EafPreviewSerializer(preview).data)


class ToolboxPreviewView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ToolboxPreviewRequestSerializer},
        responses=s.ToolboxPreviewSerializer,
        description="What a Toolbox/MDF import with this marker mapping makes of the file's "
        "first records (the mapping detected when none is given); nothing is stored.",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.ToolboxPreviewRequestSerializer(data=request.data))
        shown = services.toolbox_preview(body["file"], body.get("mapping"), body["records"])
        return Response(s.ToolboxPreviewSerializer(shown).data)
