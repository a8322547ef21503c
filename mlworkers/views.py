"""Thin REST views of the models API: runs, versions, imports, external models, schedules,
suggestions, feedback, pre-annotation and the active-learning queue."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from fieldmark.api.auth import user_of
from fieldmark.api.errors import DomainError
from fieldmark.api.pagination import Pagination
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin
from mlworkers import registry, schedules, serving, suggestions, training
from mlworkers import serializers as s
from mlworkers.models import Schedule
from mlworkers.tasks_registry import get_task, known_tasks

TASK = OpenApiParameter("task", str, required=False, description="Only this task.")
REFUSED = OpenApiResponse(description="Refused input, in the one error shape.")


def _valid(serializer: Serializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class Paged(ProjectScopedMixin, APIView):
    # Declared so that the schema documents these lists as pages, as they answer.
    pagination_class = Pagination

    def paged(self, request: Request, items: Any, serializer: type[Serializer[Any]]) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


class TaskListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(responses=s.TaskSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        rows = []
        for name in known_tasks():
            handler = get_task(name)
            rows.append(
                {
                    "name": name,
                    "kinds": list(handler.kinds()),
                    "gpu_kinds": sorted(handler.gpu_kinds),
                    "serves_suggestions": handler.serves_igt,
                }
            )
        return Response(s.TaskSerializer(rows, many=True).data)


class RunListView(Paged):
    project_actions = {"GET": Action.VIEW_MODELS, "POST": Action.MANAGE_MODELS}

    @extend_schema(parameters=[TASK], responses=s.RunSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        runs = training.runs(self.project, request.query_params.get("task"))
        return self.paged(request, runs, s.RunSerializer)

    @extend_schema(request=s.TrainSerializer, responses={202: s.RunSerializer, 400: REFUSED})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.TrainSerializer(data=request.data))
        run = training.start_training(
            user_of(request),
            self.project,
            body["task"],
            body["kind"],
            body["params"],
            activate=body["activate"],
        )
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(responses=s.RunDetailSerializer)
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        return Response(s.RunDetailSerializer(training.get_run(self.project, run_id)).data)


class RunCancelView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.MANAGE_MODELS}

    @extend_schema(request=None, responses={200: s.RunSerializer, 409: REFUSED})
    def post(self, request: Request, slug: str, run_id: int) -> Response:
        run = training.cancel_run(self.project, training.get_run(self.project, run_id))
        return Response(s.RunSerializer(run).data)


class VersionListView(Paged):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(parameters=[TASK], responses=s.VersionSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        versions = registry.versions(self.project, request.query_params.get("task"))
        return self.paged(request, versions, s.VersionSerializer)


class VersionDetailView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(responses=s.VersionDetailSerializer)
    def get(self, request: Request, slug: str, version_id: int) -> Response:
        version = registry.get_version(self.project, version_id)
        return Response(s.VersionDetailSerializer(version).data)


class VersionPlotsView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(
        responses=s.PlotsSerializer,
        description="Data of the version's pictures: the confusion matrix of the most frequent "
        "labels, the learning curve (accuracy against training size) and the loss history.",
    )
    def get(self, request: Request, slug: str, version_id: int) -> Response:
        version = registry.get_version(self.project, version_id)
        metrics = version.metrics or {}
        run = version.run
        return Response(
            {
                "confusion": metrics.get("confusion"),
                "learning_curve": run.learning_curve if run else [],
                "loss": [h for h in (run.history if run else []) if h.get("loss") is not None],
                "per_label": metrics.get("per_label", {}),
            }
        )


class VersionActivateView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.MANAGE_MODELS}

    @extend_schema(request=None, responses=s.VersionSerializer)
    def post(self, request: Request, slug: str, version_id: int) -> Response:
        version = registry.activate(self.project, registry.get_version(self.project, version_id))
        return Response(s.VersionSerializer(registry.get_version(self.project, version.pk)).data)


class RollbackView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.MANAGE_MODELS}

    @extend_schema(request=s.RollbackSerializer, responses={200: s.VersionSerializer, 400: REFUSED})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.RollbackSerializer(data=request.data))
        get_task(body["task"])
        version = registry.rollback(self.project, body["task"])
        return Response(s.VersionSerializer(registry.get_version(self.project, version.pk)).data)


class ImportModelView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.MANAGE_MODELS}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportModelSerializer},
        responses={201: s.VersionSerializer, 400: REFUSED, 413: REFUSED},
        description="Import a Hugging Face model folder (zip or tar: config, *.safetensors, "
        "tokenizer files) or a skops file; pickled weights, remote code and paths outside the "
        f"folder are refused; at most {registry.MAX_IMPORT_BYTES} bytes.",
    )
    def post(self, request: Request, slug: str) -> Response:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) - 64 * 1024 > registry.MAX_IMPORT_BYTES:
            raise DomainError(
                "file_too_large",
                f"Model imports may have at most {registry.MAX_IMPORT_BYTES:,} bytes.",
                field="file",
                status_code=413,
            )
        body = _valid(s.ImportModelSerializer(data=request.data))
        version = registry.import_model(
            user_of(request), self.project, body["task"], body["kind"], body["file"], body["name"]
        )
        data = s.VersionSerializer(registry.get_version(self.project, version.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class ExternalModelView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.MANAGE_MODELS}

    @extend_schema(
        request=s.ExternalModelSerializer,
        responses={201: s.VersionSerializer, 400: REFUSED},
        description="Register a Label Studio ML backend (it must answer /health and /setup).",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.ExternalModelSerializer(data=request.data))
        version = registry.register_external(
            user_of(request),
            self.project,
            body["task"],
            body["url"],
            body["token"],
            body["timeout"],
            body["name"],
        )
        data = s.VersionSerializer(registry.get_version(self.project, version.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class ScheduleListView(Paged):
    project_actions = {"GET": Action.VIEW_MODELS, "POST": Action.MANAGE_MODELS}

    @extend_schema(responses=s.ScheduleSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return self.paged(
            request, Schedule.objects.filter(project=self.project), s.ScheduleSerializer
        )

    @extend_schema(
        request=s.ScheduleInputSerializer, responses={201: s.ScheduleSerializer, 400: REFUSED}
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.ScheduleInputSerializer(data=request.data))
        schedule = schedules.create(user_of(request), self.project, body)
        return Response(s.ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class ScheduleDetailView(ProjectScopedMixin, APIView):
    project_actions = {
        "GET": Action.VIEW_MODELS,
        "PATCH": Action.MANAGE_MODELS,
        "DELETE": Action.MANAGE_MODELS,
    }

    @extend_schema(responses=s.ScheduleSerializer)
    def get(self, request: Request, slug: str, schedule_id: int) -> Response:
        return Response(s.ScheduleSerializer(schedules.get(self.project, schedule_id)).data)

    @extend_schema(
        request=s.ScheduleInputSerializer, responses={200: s.ScheduleSerializer, 400: REFUSED}
    )
    def patch(self, request: Request, slug: str, schedule_id: int) -> Response:
        body = _valid(s.ScheduleInputSerializer(data=request.data, partial=True))
        schedule = schedules.update(self.project, schedules.get(self.project, schedule_id), body)
        return Response(s.ScheduleSerializer(schedule).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, schedule_id: int) -> Response:
        schedules.delete(schedules.get(self.project, schedule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QueueView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(
        parameters=[
            OpenApiParameter("task", str, required=False, description="gloss (default) or pos"),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter(
                "by",
                str,
                required=False,
                enum=list(serving.UNCERTAINTY),
                description="confidence (lowest mean top-1 probability, default) or margin "
                "(smallest gap between the first two labels)",
            ),
        ],
        responses={200: s.QueueSerializer, 400: REFUSED, 409: REFUSED},
        description="Gloss next: the utterances the active model is least sure of.",
    )
    def get(self, request: Request, slug: str) -> Response:
        limit = request.query_params.get("limit", "20")
        if not limit.isdigit():
            raise DomainError("invalid", "limit must be a whole number.", field="limit")
        task = request.query_params.get("task", "gloss")
        by = request.query_params.get("by", "confidence")
        return Response(serving.uncertain(self.project, task, int(limit), by))


class SuggestView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.USE_SUGGESTIONS}

    @extend_schema(
        request=s.SuggestRequestSerializer,
        responses={200: s.SuggestResponseSerializer, 400: REFUSED, 409: REFUSED},
        description="Top-k labels with probabilities for a stored utterance (`utterance`), "
        "posted `words`, or the `morphemes` of one word, from the task's active model.",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.SuggestRequestSerializer(data=request.data))
        return Response(serving.suggest(self.project, body["task"], body, body["top_k"]))


class FeedbackView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.USE_SUGGESTIONS}

    @extend_schema(
        request=s.FeedbackSerializer,
        responses={201: s.FeedbackResultSerializer, 400: REFUSED, 409: REFUSED},
        description="Record an accept or reject; with `apply`, also write an accepted label "
        "into the utterance where its field is still empty.",
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.FeedbackSerializer(data=request.data))
        result = suggestions.record(user_of(request), self.project, body)
        return Response(result, status=status.HTTP_201_CREATED)


class BulkAcceptView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.USE_SUGGESTIONS}

    @extend_schema(request=s.BulkAcceptSerializer, responses=s.BulkAcceptResultSerializer)
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.BulkAcceptSerializer(data=request.data))
        result = suggestions.bulk_accept(
            user_of(request), self.project, body["task"], body["threshold"], body["text"]
        )
        return Response(result)


class PreannotateView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.USE_SUGGESTIONS}

    @extend_schema(request=s.PreannotateSerializer, responses={202: JobSerializer, 409: REFUSED})
    def post(self, request: Request, slug: str) -> Response:
        body = _valid(s.PreannotateSerializer(data=request.data))
        job = suggestions.start_preannotation(
            user_of(request), self.project, body["task"], body["text"]
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class TextSuggestionsView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_MODELS}

    @extend_schema(parameters=[TASK], responses=s.StoredSuggestionSerializer(many=True))
    def get(self, request: Request, slug: str, text_id: str) -> Response:
        rows = suggestions.for_text(self.project, text_id, request.query_params.get("task"))
        return Response(s.StoredSuggestionSerializer(rows, many=True).data)
