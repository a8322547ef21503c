"""Thin REST views of automatic face coding (the work is in :mod:`.services.face_coding`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.affect_api import face_batch
from annotations.affect_api.services import face_coding, face_review, face_training
from fieldmark.api.auth import user_of
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class CodeSerializer(serializers.Serializer[Any]):
    model = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    stride = serializers.IntegerField(required=False, default=1, min_value=1, max_value=30)


@extend_schema_serializer(component_name="FaceBatchCode")
class BatchCodeSerializer(CodeSerializer):
    videos = serializers.ListField(
        child=serializers.CharField(), min_length=1, max_length=face_batch.MAX_VIDEOS
    )


# Its own component name: another serializer of the same name exists elsewhere.
@extend_schema_serializer(component_name="FaceTrain")
class TrainSerializer(serializers.Serializer[Any]):
    # "gold", "all" or a coder's username (the name shadows Field.source only in the stubs).
    source = serializers.CharField()  # type: ignore[assignment]
    videos = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)


class TracksQuerySerializer(serializers.Serializer[Any]):
    t0_ms = serializers.IntegerField(min_value=0)
    t1_ms = serializers.IntegerField(min_value=1)


class DecisionSerializer(serializers.Serializer[Any]):
    layer = serializers.CharField()
    key = serializers.CharField()
    decision = serializers.ChoiceField(choices=list(face_review.DECISIONS))
    item = serializers.DictField(required=False)


class FaceModelSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="_id")
    number = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    kind = serializers.CharField()
    metrics = serializers.DictField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()


class FaceCodeView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}

    @extend_schema(request=CodeSerializer, responses={202: JobSerializer})
    def post(self, request: Request, slug: str, video_id: str) -> Response:
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = face_coding.start_coding(
            user_of(request), self.project, video_id, data.get("model") or None, data["stride"]
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FaceBatchCodeView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}

    @extend_schema(
        request=BatchCodeSerializer,
        responses={202: JobSerializer},
        description="Code several videos in one job; its result lists a report per video.",
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = BatchCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = face_batch.start_batch(
            user_of(request),
            self.project,
            data["videos"],
            data.get("model") or None,
            data["stride"],
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FaceTrainView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.IMPORT_DATA}

    @extend_schema(request=TrainSerializer, responses={202: JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        serializer = TrainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = face_training.start_training(
            user_of(request), self.project, data["source"], data.get("videos")
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FaceModelListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(responses=FaceModelSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        models = face_training.list_models(self.project)
        return Response(FaceModelSerializer(models, many=True).data)


class FaceTracksView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA}

    @extend_schema(
        parameters=[OpenApiParameter("t0_ms", int), OpenApiParameter("t1_ms", int)],
        responses={200: OpenApiTypes.OBJECT},
        description="Face boxes and contour landmarks (fractions of the frame) per subject.",
    )
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        query = TracksQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        window = query.validated_data
        return Response(
            face_coding.face_tracks(self.project, video_id, window["t0_ms"], window["t1_ms"])
        )


class SuggestionListView(ProjectScopedMixin, APIView):
    project_actions = {"GET": Action.VIEW_DATA, "POST": Action.EDIT_DATA}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, slug: str, video_id: str) -> Response:
        user = request.user
        name = user.get_username() if user.is_authenticated else ""
        return Response(face_review.suggestions(self.project, video_id, name))

    @extend_schema(request=DecisionSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, slug: str, video_id: str) -> Response:
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(
            face_review.decide(
                user_of(request),
                self.role,
                self.project,
                video_id,
                data["layer"],
                data["key"],
                data["decision"],
                data.get("item"),
            )
        )
