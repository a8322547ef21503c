"""Corpus-wide glossing tools: concordance, gloss checks and consistency, linking glosses to the
lexicon, bulk replace, the Leipzig abbreviations."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linguistic_api import serializers as s
from annotations.linguistic_api import services
from annotations.linguistic_api.views.common import PagedView, valid
from fieldmark.api.auth import user_of
from fieldmark.api.pagination import Pagination
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class ConcordanceView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        parameters=[s.ConcordanceQuerySerializer],
        responses=s.ConcordanceUtteranceSerializer(many=True),
        description="Utterances where `field` matches `q`, in reading order, paged by utterance; "
        "each lists its hits. `count` is the number of utterances and `hits` the number of "
        "matches, both exact. `translation` matches single words of the free translation in "
        "`lang`, ignoring case.",
    )
    def get(self, request: Request, slug: str) -> Response:
        query = valid(s.ConcordanceQuerySerializer(data=request.query_params))
        page = services.ConcordancePage(
            self.project, query["field"], query["q"], query["mode"], query["lang"]
        )
        paginator = Pagination()
        paginator.page_size = 20
        items: list[services.UtteranceHits] | None = paginator.paginate_queryset(
            page,  # type: ignore[arg-type]
            request,
            view=self,
        )
        response = paginator.get_paginated_response(
            s.ConcordanceUtteranceSerializer(items, many=True).data
        )
        response.data["hits"] = page.hits
        return response


class LeipzigView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.AbbreviationSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        data = s.AbbreviationSerializer(services.leipzig_abbreviations(), many=True).data  # type: ignore[arg-type]
        return Response(data)


class GlossCheckView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        parameters=[s.GlossCheckQuerySerializer], responses=s.GlossWarningSerializer(many=True)
    )
    def get(self, request: Request, slug: str) -> Response:
        grams = valid(s.GlossCheckQuerySerializer(data=request.query_params))["grams"]
        allowed = {g.strip() for g in grams.split(",") if g.strip()}
        project = self.project
        warnings = services.HitList(lambda: services.gloss_check(project, allowed))
        response = self.paged(request, warnings, s.GlossWarningSerializer)
        response.data["count_capped"] = warnings.capped
        return response


class GlossConsistencyView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=s.InconsistentFormSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        forms = services.gloss_consistency(self.project)
        return self.paged(request, forms, s.InconsistentFormSerializer)


class GlossLinkView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.LinkRequestSerializer,
        responses={202: JobSerializer},
        description="Link morphemes to lexicon entries as a `linguistic.link` job, reporting "
        "progress per batch of utterances; the finished job's `result` has `linked`, "
        "`ambiguous`, `unmatched` and `utterances` (the number saved, each a new version).",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.LinkRequestSerializer(data=request.data))
        job = services.start_link(user_of(request), self.project, relink=body["relink"])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class GlossReplaceView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.ReplaceGlossSerializer,
        responses=s.ReplaceResultSerializer,
        description="Bulk gloss edit: give every morpheme with this form and/or gloss the gloss "
        "`to` (e.g. after the consistency check). Each utterance gets a new version.",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = valid(s.ReplaceGlossSerializer(data=request.data))
        result = services.replace_glosses(
            user_of(request), self.project, form=body.get("form"), gloss=body.get("gloss"),
            to=body["to"],
        )  # fmt: skip
        return Response(s.ReplaceResultSerializer(result).data)
