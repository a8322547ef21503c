"""Annotation layers of a video: list, create, read, save, history, revert."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import (
    HistoryEntrySerializer,
    LayerCreateSerializer,
    LayerDetailSerializer,
    LayerRevertSerializer,
    LayerSerializer,
    LayerUpdateSerializer,
)
from annotations.affect_api.services import layers
from annotations.affect_api.views.common import IF_MATCH, STALE
from fieldmark.api.auth import user_of
from fieldmark.api.errors import Conflict
from fieldmark.api.versions import expected_version
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
