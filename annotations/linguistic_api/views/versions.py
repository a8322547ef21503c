"""History, past versions and revert of utterances, texts and lexicon entries."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
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
        return with_etag(services.served("utterance", doc), doc)


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


class _VersionView(ProjectScopedMixin, APIView):
    """One past (or the current) version of a text or an entry (``kind``), as ``serializer``
    shows it; each subclass is described in the schema with its own serializer."""

    kind: ClassVar[history.Kind]
    serializer: ClassVar[type[Serializer[Any]]]
    project_actions = {"GET": Action.VIEW_DATA}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        described = extend_schema(
            responses=cls.serializer, description="One past (or the current) version."
        )
        extend_schema_view(get=described)(cls)

    def get(self, request: Request, slug: str, doc_id: str, version: int) -> Response:
        doc = history.version(self.project, self.kind, doc_id, version)
        return Response(self.serializer(doc).data)


class _RevertView(ProjectScopedMixin, APIView):
    """Make an old version of a text or an entry (``kind``) current again; each subclass is
    described in the schema with its own serializer."""

    kind: ClassVar[history.Kind]
    serializer: ClassVar[type[Serializer[Any]]]
    project_actions = {"POST": Action.EDIT_DATA}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        described = extend_schema(
            request=s.RevertSerializer,
            responses={200: cls.serializer, 409: STALE},
            description="Make `to_version` current again, as a new version; a stale `version` "
            "(the one the client read) is a 409.",
        )
        extend_schema_view(post=described)(cls)

    def post(self, request: Request, slug: str, doc_id: str) -> Response:
        body = valid(s.RevertSerializer(data=request.data))
        doc = history.revert(
            user_of(request), self.project, self.kind, doc_id, body["to_version"], body["version"]
        )
        return with_etag(services.served(self.kind, doc), doc)


class TextVersionView(_VersionView):
    kind = "text"
    serializer = s.TextSerializer


class EntryVersionView(_VersionView):
    kind = "entry"
    serializer = s.EntrySerializer


class TextRevertView(_RevertView):
    kind = "text"
    serializer = s.TextSerializer


class EntryRevertView(_RevertView):
    kind = "entry"
    serializer = s.EntrySerializer
