"""Links between utterances and time ranges of videos."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api.serializers import LinkCreateSerializer, LinkSerializer
from annotations.affect_api.services import links
from annotations.affect_api.views.common import IF_MATCH, STALE
from fieldmark.api.auth import user_of
from fieldmark.api.errors import Conflict
from fieldmark.api.versions import expected_version
from fieldmark.projects.permissions import Action, ProjectScopedMixin


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
