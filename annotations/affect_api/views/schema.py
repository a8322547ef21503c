"""The project's label schema and its history."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import (
    HistoryEntrySerializer,
    SchemaSerializer,
    SchemaWriteSerializer,
)
from annotations.affect_api.services import schema
from annotations.affect_api.views.common import IF_MATCH, STALE
from fieldmark.api.auth import user_of
from fieldmark.api.errors import Conflict
from fieldmark.api.versions import expected_version
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
