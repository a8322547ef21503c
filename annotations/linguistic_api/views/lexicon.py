"""The lexicon: entries, entries made from the corpus, the public dictionary and its PDF."""

from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import serializers as s
from annotations.linguistic_api import services
from annotations.linguistic_api.views.common import (
    IF_MATCH,
    STALE,
    AnyRenderer,
    PagedView,
    file_response,
    valid,
    with_etag,
)
from fieldmark.api.auth import user_of
from fieldmark.api.versions import expected_version
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class EntryListView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=s.EntrySerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return self.paged(request, services.list_entries(self.project), s.EntrySerializer)

    @extend_schema(request=s.EntrySerializer, responses={201: s.EntrySerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.EntrySerializer(data=request.data))
        doc = services.create_entry(user_of(request), self.project, body)
        return with_etag(services.served("entry", doc), doc, status.HTTP_201_CREATED)


class EntryDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.EDIT_DATA}

    @extend_schema(responses=s.EntrySerializer)
    def get(self, request: Request, slug: str, entry_id: str) -> Response:
        doc = services.get_entry(self.project, entry_id)
        return with_etag(services.served("entry", doc), doc)

    @extend_schema(
        request=s.EntryUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.EntrySerializer, 409: STALE},
    )
    def put(self, request: Request, slug: str, entry_id: str) -> Response:
        body = valid(s.EntryUpdateSerializer(data=request.data))
        version = expected_version(request, body)
        body.pop("version", None)
        doc = services.replace_entry(user_of(request), self.project, entry_id, version, body)
        return with_etag(services.served("entry", doc), doc)


class CreateEntriesView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.CreateEntriesRequestSerializer,
        responses=s.CreateEntriesResultSerializer,
        description="Create an entry for each morpheme form the lexicon lacks (idempotent).",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.CreateEntriesRequestSerializer(data=request.data))
        created = services.create_entries_from_corpus(
            user_of(request), self.project, body["gloss_lang"]
        )
        return Response(s.CreateEntriesResultSerializer({"created": created}).data)


class DictionaryView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA}
    # Public projects' dictionaries are open to anyone; the project check answers the rest.
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.DictionaryQuerySerializer],
        responses=s.DictionaryEntrySerializer(many=True),
        description="Prefix search over headwords, variants and glosses, ignoring accents and "
        "case; exact headwords first. Each entry has up to 3 corpus examples.",
    )
    def get(self, request: Request, slug: str) -> Response:
        q = valid(s.DictionaryQuerySerializer(data=request.query_params))["q"]
        entries = services.search_dictionary(self.project, q)
        return self.paged(request, entries, s.DictionaryEntrySerializer)


class DictionaryPdfView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.VIEW_DATA}

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        job = services.start_dictionary_pdf(user_of(request), self.project)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class DictionaryPdfDownloadView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}
    content_negotiation_class = AnyRenderer

    @extend_schema(
        responses={200: OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not yet.")}
    )
    def get(self, request: Request, slug: str, job_id: str) -> HttpResponseBase:
        job = services.finished_file(self.project, job_id, "linguistic.dictionary_pdf")
        return file_response(job, "application/pdf", f"{self.project.slug}-dictionary.pdf")
