"""Thin REST views of interlinear texts, the lexicon, imports, concordance and export."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from annotations.linguistic_api import history, services, utterance_ops
from annotations.linguistic_api import serializers as s
from annotations.linguistic_api.services import imports
from fieldmark.api.auth import user_of
from fieldmark.api.errors import DomainError
from fieldmark.api.pagination import Pagination
from fieldmark.api.versions import expected_version
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)
STALE = OpenApiResponse(description="Stale version: the body's `current` is the document now.")


def _valid(serializer: Serializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _with_etag(data: Any, doc: dict[str, Any], code: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=code)
    response["ETag"] = f'"{doc["version"]}"'
    return response


class PagedView(ProjectScopedMixin, APIView):
    # Declared so that the schema describes these lists as the pages they are.
    pagination_class = Pagination

    def paged(self, request: Request, items: Any, serializer: type[Serializer[Any]]) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


class TextListView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=s.TextSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return self.paged(request, services.list_texts(self.project), s.TextSerializer)

    @extend_schema(request=s.TextSerializer, responses={201: s.TextSerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.TextSerializer(data=request.data))
        doc = services.create_text(user_of(request), self.project, body)
        return _with_etag(services.served("text", doc), doc, status.HTTP_201_CREATED)


class TextDetailView(ProjectScopedMixin, APIView):
    project_actions = {
        "GET": Action.VIEW_DATA,
        "PATCH": Action.EDIT_DATA,
        "DELETE": Action.EDIT_DATA,
    }

    @extend_schema(responses=s.TextSerializer)
    def get(self, request: Request, slug: str, text_id: str) -> Response:
        doc = services.get_text(self.project, text_id)
        return _with_etag(services.served("text", doc), doc)

    @extend_schema(
        request=s.TextUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.TextSerializer, 409: STALE},
    )
    def patch(self, request: Request, slug: str, text_id: str) -> Response:
        body = _valid(s.TextUpdateSerializer(data=request.data, partial=True))
        version = expected_version(request, body)
        doc = services.update_text(user_of(request), self.project, text_id, version, body)
        return _with_etag(services.served("text", doc), doc)

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
        body = _valid(s.UtteranceSerializer(data=request.data))
        order = body.pop("order", None)
        doc = utterance_ops.insert_utterance(user_of(request), self.project, text_id, body, order)
        return _with_etag(services.served("utterance", doc), doc, status.HTTP_201_CREATED)


class UtteranceDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.EDIT_DATA, "DELETE": Action.EDIT_DATA}

    @extend_schema(responses=s.UtteranceSerializer)
    def get(self, request: Request, slug: str, utterance_id: str) -> Response:
        doc = services.get_utterance(self.project, utterance_id)
        return _with_etag(services.served("utterance", doc), doc)

    @extend_schema(
        request=s.UtteranceUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.UtteranceSerializer, 409: STALE},
    )
    def put(self, request: Request, slug: str, utterance_id: str) -> Response:
        body = _valid(s.UtteranceUpdateSerializer(data=request.data))
        version = expected_version(request, body)
        body.pop("version", None)
        doc = services.replace_utterance(
            user_of(request), self.project, utterance_id, version, body
        )
        return _with_etag(services.served("utterance", doc), doc)

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
        body = _valid(s.SplitSerializer(data=request.data))
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
        body = _valid(s.MergeSerializer(data=request.data))
        doc = utterance_ops.merge_with_next(
            user_of(request), self.project, utterance_id, body["version"], body["next_version"]
        )
        return _with_etag(services.served("utterance", doc), doc)


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
        body = _valid(s.RevertSerializer(data=request.data))
        doc = services.revert_utterance(
            user_of(request), self.project, utterance_id, body["to_version"], body["version"]
        )
        return _with_etag(services.served("utterance", doc), doc)


class EntryListView(PagedView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses=s.EntrySerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return self.paged(request, services.list_entries(self.project), s.EntrySerializer)

    @extend_schema(request=s.EntrySerializer, responses={201: s.EntrySerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.EntrySerializer(data=request.data))
        doc = services.create_entry(user_of(request), self.project, body)
        return _with_etag(services.served("entry", doc), doc, status.HTTP_201_CREATED)


class EntryDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "PUT": Action.EDIT_DATA}

    @extend_schema(responses=s.EntrySerializer)
    def get(self, request: Request, slug: str, entry_id: str) -> Response:
        doc = services.get_entry(self.project, entry_id)
        return _with_etag(services.served("entry", doc), doc)

    @extend_schema(
        request=s.EntryUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.EntrySerializer, 409: STALE},
    )
    def put(self, request: Request, slug: str, entry_id: str) -> Response:
        body = _valid(s.EntryUpdateSerializer(data=request.data))
        version = expected_version(request, body)
        body.pop("version", None)
        doc = services.replace_entry(user_of(request), self.project, entry_id, version, body)
        return _with_etag(services.served("entry", doc), doc)


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
        body = _valid(s.RevertSerializer(data=request.data))
        doc = history.revert(
            user_of(request), self.project, "text", doc_id, body["to_version"], body["version"]
        )
        return _with_etag(services.served("text", doc), doc)


class EntryRevertView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(request=s.RevertSerializer, responses={200: s.EntrySerializer, 409: STALE})
    def post(self, request: Request, slug: str, doc_id: str) -> Response:
        body = _valid(s.RevertSerializer(data=request.data))
        doc = history.revert(
            user_of(request), self.project, "entry", doc_id, body["to_version"], body["version"]
        )
        return _with_etag(services.served("entry", doc), doc)


class ImportView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={202: JobSerializer, 413: OpenApiResponse(description="File too large.")},
        description=f"Import a file (at most {imports.MAX_IMPORT_BYTES} bytes) as a job.",
    )
    def post(self, request: Request, slug: str) -> Response:
        # Refuse an oversized body before Django spools it to disk.
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            services.check_upload_size(int(length) - 64 * 1024)
        body = _valid(s.ImportSerializer(data=request.data))
        job = services.start_import(user_of(request), self.project, body["file"], body["format"])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


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
        query = _valid(s.ConcordanceQuerySerializer(data=request.query_params))
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


class AnyRenderer(BaseContentNegotiation):
    """Leave ``?format=`` to the view (it names the export format, not a DRF renderer)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, str(first.media_type)


class ExportView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = AnyRenderer

    @extend_schema(parameters=[s.ExportQuerySerializer], responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        query = _valid(s.ExportQuerySerializer(data=request.query_params))
        fmt = query["format"]
        content_type, extension = services.EXPORT_TYPES[fmt]
        chunks = services.export_chunks(self.project, fmt, query.get("text"))
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in chunks), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.project.slug}.{extension}"'
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
        grams = _valid(s.GlossCheckQuerySerializer(data=request.query_params))["grams"]
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


class ImportJobView(ImportView):
    """``POST imports/`` with the ELAN ``mapping`` field besides the file and format."""

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={202: JobSerializer, 413: OpenApiResponse(description="File too large.")},
        description=f"Import a file (at most {imports.MAX_IMPORT_BYTES} bytes) as a job; "
        "an ELAN (`eaf`) file needs a tier `mapping` (JSON).",
    )
    def post(self, request: Request, slug: str) -> Response:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            services.check_upload_size(int(length) - 64 * 1024)
        body = _valid(s.ImportRequestSerializer(data=request.data))
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
        upload = _valid(s.EafUploadSerializer(data=request.data))["file"]
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
        body = _valid(s.EafPreviewRequestSerializer(data=request.data))
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
        body = _valid(s.ToolboxPreviewRequestSerializer(data=request.data))
        shown = services.toolbox_preview(body["file"], body.get("mapping"), body["records"])
        return Response(s.ToolboxPreviewSerializer(shown).data)


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
        body = _valid(s.LinkRequestSerializer(data=request.data))
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
        body = _valid(s.ReplaceGlossSerializer(data=request.data))
        result = services.replace_glosses(
            user_of(request), self.project, form=body.get("form"), gloss=body.get("gloss"),
            to=body["to"],
        )  # fmt: skip
        return Response(s.ReplaceResultSerializer(result).data)


class CreateEntriesView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EDIT_DATA}

    @extend_schema(
        request=s.CreateEntriesRequestSerializer,
        responses=s.CreateEntriesResultSerializer,
        description="Create an entry for each morpheme form the lexicon lacks (idempotent).",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.CreateEntriesRequestSerializer(data=request.data))
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
        q = _valid(s.DictionaryQuerySerializer(data=request.query_params))["q"]
        entries = services.search_dictionary(self.project, q)
        return self.paged(request, entries, s.DictionaryEntrySerializer)


def _file_response(job: Any, content_type: str, filename: str) -> FileResponse:
    path = Path(settings.MEDIA_ROOT) / str(job.result["path"])
    if not path.is_file():
        raise DomainError("not_found", "The job's file is gone.", status_code=404)
    return FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )


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
        return _file_response(job, "application/pdf", f"{self.project.slug}-dictionary.pdf")


class ExportJobView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EXPORT_DATA}

    @extend_schema(request=s.ExportRequestSerializer, responses={202: JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.ExportRequestSerializer(data=request.data))
        job = services.start_export(
            user_of(request), self.project, body["format"], body.get("text")
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = AnyRenderer

    @extend_schema(
        responses={200: OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not yet.")}
    )
    def get(self, request: Request, slug: str, job_id: str) -> HttpResponseBase:
        job = services.finished_file(self.project, job_id, "linguistic.export")
        fmt = str(job.result["format"])
        content_type, extension = services.EXPORT_TYPES[fmt]
        return _file_response(
            job, f"{content_type}; charset=utf-8", f"{self.project.slug}.{extension}"
        )
