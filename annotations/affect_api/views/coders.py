"""Comparing coders: agreement of a video and of the project, and the gold layer."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import GoldSerializer, LayerSerializer
from annotations.affect_api.services import agreement, gold
from fieldmark.api.auth import user_of
from fieldmark.api.errors import Conflict
from fieldmark.projects.permissions import Action, ProjectScopedMixin


def _aus_param(request: Request) -> list[str] | None:
    aus = request.query_params.get("aus")
    return [a for a in aus.split(",") if a.strip()] if aus else None


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
