"""Texts and their utterances: list, create, read, save, delete, split, merge."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import serializers as s
from annotations.linguistic_api import services, utterance_ops
from annotations.linguistic_api.views.common import IF_MATCH, STALE, PagedView, valid, with_etag
from fieldmark.api.auth import user_of
from fieldmark.api.versions import expected_version
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class TextListView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=s.TextSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return self.paged(request, services.list_texts(self.project), s.TextSerializer)

    @extend_schema(request=s.TextSerializer, responses={201: s.TextSerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.TextSerializer(data=request.data))
        doc = services.create_text(user_of(request), self.project, body)
        return with_etag(services.served("text", doc), doc, status.HTTP_201_CREATED)


class TextDetailView(ProjectScopedMixin, APIView):
    project_actions = {
        "GET": Action.VIEW_DATA,
        "PATCH": Action.EDIT_DATA,
        "DELETE": Action.EDIT_DATA,
    }

    @extend_schema(responses=s.TextSerializer)
    def get(self, request: Request, slug: str, text_id: str) -> Response:
        doc = services.get_text(self.project, text_id)
        return with_etag(services.served("text", doc), doc)

    @extend_schema(
        request=s.TextUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.TextSerializer, 409: STALE},
    )
    def patch(self, request: Request, slug: str, text_id: str) -> Response:
        body = valid(s.TextUpdateSerializer(data=request.data, partial=True))
        version = expected_version(request, body)
        doc = services.update_text(user_of(request), self.project, text_id, version, body)
        return with_etag(services.served("text", doc), doc)

    @extend_schema(
        parameters=[IF_MATCH, OpenApiParameter("version", int, required=False)],
        responses={204: None, 409: STALE},
    )
    def delete(self, request: Request, slug: str, text_id: str) -> Response:
        version = expected_version(request, {"version": request.query_params.get("version")})
        services.delete_text(user_of(request), self.project, text_id, version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UtteranceListView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=s.UtteranceSerializer(many=True))
    def get(self, request: Request, slug: str, text_id: str) -> Response:
        items = services.list_utterances(self.project, text_id)
        return self.paged(request, items, s.UtteranceSerializer)

    @extend_schema(
        request=s.UtteranceSerializer,
        responses={201: s.UtteranceSerializer},
        description="Append an utterance, or insert it at `order` (the ones from there move down).",
    )
    def post(self, request: Request, slug: str, text_id: str) -> Response:
        body = valid(s.UtteranceSerializer(data=request.data))
        order = body.pop("order", None)
        doc = utterance_ops.insert_utterance(user_of(request), self.project, text_id, body, order)
        return with_etag(services.served("utterance", doc), doc, status.HTTP_201_CREATED)


class UtteranceDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.EDIT_DATA, "DELETE": Action.EDIT_DATA}

    @extend_schema(responses=s.UtteranceSerializer)
    def get(self, request: Request, slug: str, utterance_id: str) -> Response:
        doc = services.get_utterance(self.project, utterance_id)
        return with_etag(services.served("utterance", doc), doc)

    @extend_schema(
        request=s.UtteranceUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.UtteranceSerializer, 409: STALE},
    )
    def put(self, request: Request, slug: str, utterance_id: str) -> Response:
        body = valid(s.UtteranceUpdateSerializer(data=request.data))
        version = expected_version(request, body)
        body.pop("version", None)
        doc = services.replace_utterance(
            user_of(request), self.project, utterance_id, version, body
        )
        return with_etag(services.served("utterance", doc), doc)

    @extend_schema(
        parameters=[IF_MATCH, OpenApiParameter("version", int, required=False)],
        responses={204: None, 409: STALE},
        description="Delete the utterance; the ones after it move up.",
    )
    def delete(self, request: Request, slug: str, utterance_id: str) -> Response:
        version = expected_version(request, {"version": request.query_params.get("version")})
        utterance_ops.delete_utterance(user_of(request), self.project, utterance_id, version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UtteranceSplitView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.SplitSerializer,
        responses={200: s.SplitResultSerializer, 409: STALE},
        description="Cut the utterance before `word`: the rest becomes a new utterance after it.",
    )
    def post(self, request: Request, slug: str, utterance_id: str) -> Response:
        body = valid(s.SplitSerializer(data=request.data))
        first, second = utterance_ops.split_utterance(
            user_of(request), self.project, utterance_id, body["version"], body["word"]
        )
        return Response(s.SplitResultSerializer({"utterances": [first, second]}).data)


class UtteranceMergeView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.MergeSerializer,
        responses={200: s.UtteranceSerializer, 409: STALE},
        description="Append the next utterance to this one and delete it.",
    )
    def post(self, request: Request, slug: str, utterance_id: str) -> Response:
        body = valid(s.MergeSerializer(data=request.data))
        doc = utterance_ops.merge_with_next(
            user_of(request), self.project, utterance_id, body["version"], body["next_version"]
        )
        return with_etag(services.served("utterance", doc), doc)
