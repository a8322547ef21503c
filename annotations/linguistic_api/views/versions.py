"""History, past versions and revert of utterances, texts and lexicon entries."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import history, services
from annotations.linguistic_api import serializers as s
from annotations.linguistic_api.views.common import STALE, valid, with_etag
from fieldmark.api.auth import user_of
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class UtteranceHistoryView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.UtteranceHistoryEntrySerializer(many=True))
    def get(self, request: Request, slug: str, utterance_id: str) -> Response:
        entries = services.utterance_history(self.project, utterance_id)
        return Response(s.UtteranceHistoryEntrySerializer(entries, many=True).data)  # type: ignore[arg-type]


class UtteranceVersionView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        responses=s.UtteranceSerializer, description="One past (or the current) version."
    )
    def get(self, request: Request, slug: str, utterance_id: str, version: int) -> Response:
        doc = services.utterance_version(self.project, utterance_id, version)
        return Response(s.UtteranceSerializer(doc).data)


class UtteranceRevertView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(request=s.RevertSerializer, responses={200: s.UtteranceSerializer, 409: STALE})
    def post(self, request: Request, slug: str, utterance_id: str) -> Response:
        body = valid(s.RevertSerializer(data=request.data))
        doc = services.revert_utterance(
            user_of(request), self.project, utterance_id, body["to_version"], body["version"]
        )
        return with_etag(s.UtteranceSerializer(doc).data, doc)


class _HistoryView(ProjectScopedMixin, APIView):
    """The history of a text or an entry (``kind``), as for utterances."""

    kind: history.Kind
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.UtteranceHistoryEntrySerializer(many=True))
    def get(self, request: Request, slug: str, doc_id: str) -> Response:
        entries = history.history(self.project, self.kind, doc_id)
        return Response(s.UtteranceHistoryEntrySerializer(entries, many=True).data)  # type: ignore[arg-type]


class TextHistoryView(_HistoryView):
    kind = "text"


class EntryHistoryView(_HistoryView):
    kind = "entry"


class TextVersionView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.TextSerializer, description="One past (or the current) version.")
    def get(self, request: Request, slug: str, doc_id: str, version: int) -> Response:
        doc = history.version(self.project, "text", doc_id, version)
        return Response(s.TextSerializer(doc).data)


class EntryVersionView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.EntrySerializer, description="One past (or the current) version.")
    def get(self, request: Request, slug: str, doc_id: str, version: int) -> Response:
        doc = history.version(self.project, "entry", doc_id, version)
        return Response(s.EntrySerializer(doc).data)


class TextRevertView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(request=s.RevertSerializer, responses={200: s.TextSerializer, 409: STALE})
    def post(self, request: Request, slug: str, doc_id: str) -> Response:
        body = valid(s.RevertSerializer(data=request.data))
        doc = history.revert(
            user_of(request), self.project, "text", doc_id, body["to_version"], body["version"]
        )
        return with_etag(s.TextSerializer(doc).data, doc)


class EntryRevertView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(request=s.RevertSerializer, responses={200: s.EntrySerializer, 409: STALE})
    def post(self, request: Request, slug: str, doc_id: str) -> Response:
        body = valid(s.RevertSerializer(data=request.data))
        doc = history.revert(
            user_of(request), self.project, "entry", doc_id, body["to_version"], body["version"]
        )
        return with_etag(s.EntrySerializer(doc).data, doc)
