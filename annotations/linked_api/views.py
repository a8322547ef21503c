"""Thin views: RDF export, SPARQL endpoint, RDF import/export jobs, rebuild, resource pages."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.linked.vocab import PREFIXES, worked_examples
from annotations.linked_api import services, sparql, sync
from annotations.linked_api.store import FORMATS
from fieldmark.api.auth import user_of
from fieldmark.api.errors import DomainError
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.models import Project
from fieldmark.projects.permissions import Action, ProjectScopedMixin, get_project


class PassThrough(BaseContentNegotiation):
    """The views choose their own formats (``?format=`` and Accept name RDF syntaxes)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        for parser in parsers:
            if parser.media_type.split(";")[0] == (request.content_type or "").split(";")[0]:
                return parser
        return None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        first = next(iter(renderers))
        return first, str(first.media_type)


class SparqlQueryParser(JSONParser):
    """``application/sparql-query`` bodies (SPARQL 1.1 Protocol, POST directly)."""

    media_type = "application/sparql-query"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return {"query": stream.read().decode("utf-8", "replace")}


class FormatQuery(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=sorted(FORMATS), required=False)
    text = serializers.CharField(required=False)
    entry = serializers.CharField(required=False)
    utterance = serializers.CharField(required=False)
    video = serializers.CharField(required=False)


def _format_from(
    request: Request | HttpRequest, requested: str | None, default: str = "turtle"
) -> str:
    if requested:
        return services.check_format(requested)
    by_type = {mime: fmt for fmt, (_, mime, _) in FORMATS.items()}
    by_type["application/json"] = "jsonld"
    for mime, _q in sorted(
        sparql._accepted(request.headers.get("Accept", "")), key=lambda i: -i[1]
    ):
        if mime in by_type:
            return by_type[mime]
    return default


class ExportView(ProjectScopedMixin, APIView):
    """``GET rdf/`` the project graph (or one text, entry, utterance or video with its layers)."""

    project_actions = {"GET": Action.EXPORT_DATA}
    permission_classes = [AllowAny]
    content_negotiation_class = PassThrough

    @extend_schema(parameters=[FormatQuery], responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        query = FormatQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        fmt = _format_from(request, params.get("format"))
        _, mime, extension = FORMATS[fmt]
        for kind in ("text", "entry", "utterance", "video"):
            if params.get(kind):
                data = services.serialize(services.describe(self.project, kind, params[kind]), fmt)
                response: HttpResponseBase = HttpResponse(
                    data, content_type=f"{mime}; charset=utf-8"
                )
                break
        else:
            response = StreamingHttpResponse(
                services.export_stream(self.project, fmt), content_type=f"{mime}; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="{self.project.slug}.{extension}"'
        response["Vary"] = "Accept"
        if fmt == "jsonld":
            response["Link"] = context_link()
        return response


class SparqlView(ProjectScopedMixin, APIView):
    """The SPARQL 1.1 Protocol over the project's graph: ``GET ?query=`` or ``POST``."""

    project_actions = {"GET": Action.QUERY_LINKED, "POST": Action.QUERY_LINKED}
    # Public projects answer anonymous queries; ProjectScopedMixin makes the one check.
    permission_classes = [AllowAny]
    content_negotiation_class = PassThrough
    parser_classes = [SparqlQueryParser, FormParser, MultiPartParser, JSONParser]

    def _answer(self, request: Request, text: Any, fmt: Any) -> HttpResponse:
        if not isinstance(text, str):
            raise DomainError("invalid", "Send the query as query=…", field="query")
        answer = sparql.run_query(self.project, text)
        chosen = sparql.negotiate(answer.form, request.headers.get("Accept", ""), fmt or None)
        if answer.form in ("CONSTRUCT", "DESCRIBE"):
            body = sparql.render_graph(answer, chosen)
        else:
            body = sparql.render_results(answer, chosen)
        response = HttpResponse(body, content_type=sparql.content_type(answer.form, chosen))
        response["X-Fieldmark-Truncated"] = "true" if answer.truncated else "false"
        response["X-Fieldmark-Max-Rows"] = str(settings.FIELDMARK_SPARQL_MAX_ROWS)
        response["Vary"] = "Accept"
        return response

    @extend_schema(
        parameters=[OpenApiParameter("query", str, required=True), OpenApiParameter("format", str)],
        responses={200: OpenApiTypes.BINARY, 400: OpenApiResponse(description="Refused query.")},
        description="SPARQL 1.1 queries over this project's graph only (no UPDATE, LOAD or "
        "SERVICE); results as JSON, XML, CSV or TSV by Accept or format=.",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        return self._answer(
            request, request.query_params.get("query"), request.query_params.get("format")
        )

    @extend_schema(
        request={"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        responses={200: OpenApiTypes.BINARY},
    )
    def post(self, request: Request, slug: str) -> HttpResponse:
        if "update" in request.data:
            raise DomainError(
                "update_refused",
                "This endpoint answers queries only: SPARQL Update is refused.",
                field="update",
            )
        fmt = request.data.get("format") or request.query_params.get("format")
        return self._answer(request, request.data.get("query"), fmt)


class ImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=sorted(services.IMPORT_FORMATS))


class ImportView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportSerializer}, responses={202: JobSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        from annotations.linguistic_api.services import check_upload_size

        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            check_upload_size(int(length) - 64 * 1024)
        body = ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.start_import(
            user_of(request),
            self.project,
            body.validated_data["file"],
            body.validated_data["format"],
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# Its own component name: another serializer of the same name exists elsewhere.
@extend_schema_serializer(component_name="LinkedDataExport")
class ExportRequest(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=sorted(FORMATS), default="turtle")


class ExportJobView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.EXPORT_DATA}

    @extend_schema(request=ExportRequest, responses={202: JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        body = ExportRequest(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.start_export(user_of(request), self.project, body.validated_data["format"])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.EXPORT_DATA}
    content_negotiation_class = PassThrough

    @extend_schema(
        responses={200: OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not yet.")}
    )
    def get(self, request: Request, slug: str, job_id: str) -> HttpResponseBase:
        from annotations.linguistic_api.services import finished_file

        job = finished_file(self.project, job_id, "linked.export")
        fmt = str(job.result["format"])
        _, mime, extension = FORMATS[fmt]
        path = Path(settings.MEDIA_ROOT) / str(job.result["path"])
        if not path.is_file():
            raise DomainError("not_found", "The job's file is gone.", status_code=404)
        return FileResponse(
            path.open("rb"),
            content_type=f"{mime}; charset=utf-8",
            as_attachment=True,
            filename=f"{self.project.slug}.{extension}",
        )


class RebuildView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.REBUILD_LINKED}

    @extend_schema(
        request=None,
        responses={202: JobSerializer},
        description="Start a `linked.rebuild` job. 409 `rebuild_running` while one is running.",
    )
    def post(self, request: Request, slug: str) -> Response:
        job = services.start_rebuild(user_of(request), self.project)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class StatusView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.QUERY_LINKED}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, slug: str) -> Response:
        count, lag = sync.pending(self.project.pk)
        return Response(
            {
                "graph": sync.iris_for(self.project).graph.value,
                "base": sync.iris_for(self.project).root,
                "pending": count,
                "lag_s": round(lag, 3),
                "max_rows": settings.FIELDMARK_SPARQL_MAX_ROWS,
                "timeout_s": settings.FIELDMARK_SPARQL_TIMEOUT_S,
                "prefixes": PREFIXES,
                "examples": worked_examples(),
            }
        )


# --- dereferenceable IRIs ------------------------------------------------------------------------


def context_iri() -> str:
    return f"{sync.base_iri()}ld/context.jsonld"


def context_link() -> str:
    return (
        f'<{context_iri()}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )


class ContextView(APIView):
    """``/ld/context.jsonld``: the published JSON-LD context (the vocabularies' prefixes), which
    compacts the expanded JSON-LD that Oxigraph's writer streams. Public: it holds no data."""

    content_negotiation_class = PassThrough
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(exclude=True)
    def get(self, request: Request) -> HttpResponseBase:
        response = HttpResponse(
            json.dumps({"@context": PREFIXES}, indent=2),
            content_type="application/ld+json; charset=utf-8",
        )
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=86400"
        return response


def _wants_html(request: HttpRequest) -> bool:
    ranked = sorted(sparql._accepted(request.headers.get("Accept", "")), key=lambda i: -i[1])
    rdf_types = {mime for _, mime, _ in FORMATS.values()} | {"application/json"}
    for mime, _q in ranked:
        if mime in ("text/html", "application/xhtml+xml"):
            return True
        if mime in rdf_types:
            return False
    return False


class ResourceView(APIView):
    """``/ld/<project>/<kind>/<id>``: a readable page to browsers, RDF to RDF clients. A project
    the caller may not see answers 404, signed in or not, so private IRIs reveal nothing."""

    content_negotiation_class = PassThrough
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request, project: str, kind: str, doc_id: str = "") -> HttpResponseBase:
        try:
            found, _role = get_project(request.user, project, Action.VIEW_DATA)
        except (exceptions.NotAuthenticated, exceptions.NotFound, exceptions.PermissionDenied):
            raise DomainError("not_found", "No such resource.", status_code=404) from None
        triples = services.describe(found, kind, doc_id)
        iri = sync.iris_for(found).root + (f"/{kind}/{doc_id}" if doc_id else f"/{kind}")
        if _wants_html(request._request):
            return HttpResponse(_page(found, iri, triples), content_type="text/html; charset=utf-8")
        fmt = _format_from(request._request, request.query_params.get("format"))
        response = HttpResponse(
            services.serialize(triples, fmt), content_type=f"{FORMATS[fmt][1]}; charset=utf-8"
        )
        response["Vary"] = "Accept"
        if fmt == "jsonld":
            response["Link"] = context_link()
        return response


def _local(iri: str, project: Project) -> str:
    """An IRI of this site as a link that works here, whatever the configured base."""
    root = sync.iris_for(project).root
    base = root[: root.rfind("/ld/")]
    return iri[len(base) :] if iri.startswith(base + "/ld/") else iri


def _short(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def _cell(term: Any, project: Project) -> str:
    value = str(term.value)
    if hasattr(term, "datatype") or hasattr(term, "language"):
        suffix = (
            f" <small>@{html.escape(term.language)}</small>"
            if getattr(term, "language", None)
            else ""
        )
        return f"{html.escape(value)}{suffix}"
    return f'<a href="{html.escape(_local(value, project))}">{html.escape(_short(value))}</a>'


def _page(project: Project, iri: str, triples: list[Any]) -> str:
    rows = "".join(
        f"<tr><td>{_cell(t.subject, project)}</td><td>{_cell(t.predicate, project)}</td>"
        f"<td>{_cell(t.object, project)}</td></tr>"
        for t in sorted(
            triples, key=lambda t: (t.subject.value != iri, t.subject.value, t.predicate.value)
        )
    )
    title = html.escape(iri)
    alternates = "".join(
        f'<a href="?format={fmt}">{fmt}</a> ' for fmt in ("turtle", "jsonld", "rdfxml", "ntriples")
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
        "td{border-bottom:1px solid #ddd;padding:.2rem .6rem;vertical-align:top}</style></head>"
        f'<body><h1>{title}</h1><p>Project <a href="/projects/{html.escape(project.slug)}">'
        f"{html.escape(project.name)}</a> · as RDF: {alternates}</p>"
        f"<table><thead><tr><th>subject</th><th>predicate</th><th>object</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
