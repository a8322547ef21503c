"""Shapes of the models API (requests validated here, domain rules in the services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fieldmark.jobs.serializers import JobSerializer
from mlworkers.models import ModelVersion, Schedule, TrainingRun


class TaskSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())
    gpu_kinds = serializers.ListField(child=serializers.CharField())
    serves_suggestions = serializers.BooleanField()


class TrainSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64)
    kind = serializers.CharField(max_length=64)
    params = serializers.DictField(required=False, default=dict)
    activate = serializers.BooleanField(required=False, default=False)


class RunSerializer(serializers.ModelSerializer[TrainingRun]):
    state = serializers.CharField(source="effective_state", read_only=True)
    job = JobSerializer(read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None)
    version = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRun
        fields = [
            "id",
            "task",
            "kind",
            "params",
            "state",
            "job",
            "schedule",
            "data_hash",
            "counts",
            "seed",
            "heldout_fraction",
            "metrics",
            "durations",
            "device",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "version",
        ]
        read_only_fields = fields

    def get_version(self, run: TrainingRun) -> int | None:
        version = ModelVersion.objects.filter(run=run).values_list("pk", flat=True).first()
        return version


class RunDetailSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = [
            *RunSerializer.Meta.fields,
            "history",
            "log",
            "learning_curve",
            "heldout",
            "utterances",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer[ModelVersion]):
    trained_by = serializers.CharField(source="trained_by.username", default=None)
    acceptance = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "task",
            "kind",
            "number",
            "status",
            "source",
            "name",
            "run",
            "data_hash",
            "trained_by",
            "created_at",
            "activated_at",
            "external_url",
            "external_timeout",
            "acceptance",
            "headline",
        ]
        read_only_fields = fields

    def get_acceptance(self, version: ModelVersion) -> dict[str, Any]:
        total = int(getattr(version, "feedback_total", 0) or 0)
        accepted = int(getattr(version, "feedback_accepted", 0) or 0)
        return {"total": total, "accepted": accepted, "rate": accepted / total if total else None}

    def get_headline(self, version: ModelVersion) -> dict[str, Any]:
        metrics = version.metrics or {}
        keys = ("word_accuracy", "morpheme_accuracy", "macro_f1")
        return {k: metrics[k] for k in keys if k in metrics}


class VersionDetailSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "metrics", "summary"]
        read_only_fields = fields


class PlotsSerializer(serializers.Serializer[Any]):
    confusion = serializers.DictField(allow_null=True)
    learning_curve = serializers.ListField(child=serializers.DictField())
    loss = serializers.ListField(child=serializers.DictField())
    per_label = serializers.DictField()


class RollbackSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64)


class ImportModelSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64)
    kind = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200, required=False, default="")
    file = serializers.FileField()


class ExternalModelSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64)
    url = serializers.URLField(max_length=500)
    token = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    timeout = serializers.FloatField(min_value=0.1, max_value=60.0, required=False, default=5.0)
    name = serializers.CharField(max_length=200, required=False, default="")


class ScheduleSerializer(serializers.ModelSerializer[Schedule]):
    class Meta:
        model = Schedule
        fields = [
            "id",
            "task",
            "kind",
            "params",
            "trigger",
            "cron",
            "min_changes",
            "check_every_seconds",
            "auto_activate",
            "enabled",
            "last_fired_at",
            "last_outcome",
            "created_at",
        ]
        read_only_fields = ["id", "last_fired_at", "last_outcome", "created_at"]


class ScheduleInputSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64, required=False)
    kind = serializers.CharField(max_length=64, required=False)
    params = serializers.DictField(required=False)
    trigger = serializers.ChoiceField(choices=["cron", "changes"], required=False)
    cron = serializers.CharField(max_length=120, required=False, allow_blank=True)
    min_changes = serializers.IntegerField(required=False, min_value=1)
    check_every_seconds = serializers.IntegerField(required=False, min_value=1, max_value=86400)
    auto_activate = serializers.BooleanField(required=False)
    enabled = serializers.BooleanField(required=False)


class WordInputSerializer(serializers.Serializer[Any]):
    form = serializers.CharField(max_length=200)
    morphemes = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )


class SuggestRequestSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64, default="gloss")
    utterance = serializers.CharField(max_length=64, required=False)
    words = WordInputSerializer(many=True, required=False)
    morphemes = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )
    translation = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    top_k = serializers.IntegerField(required=False, default=3, min_value=1, max_value=10)


class LabelSerializer(serializers.Serializer[Any]):
    # "label" is also a DRF field attribute in the stubs; here it is the JSON key.
    label = serializers.CharField()  # type: ignore[assignment]
    p = serializers.FloatField()


class MorphPredictionSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    form = serializers.CharField()
    labels = LabelSerializer(many=True)


class WordPredictionSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    form = serializers.CharField()
    labels = LabelSerializer(many=True)
    morphemes = MorphPredictionSerializer(many=True)
    segmentations = serializers.ListField(child=serializers.DictField())


class PredictionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    words = WordPredictionSerializer(many=True)
    confidence = serializers.FloatField()


class VersionInfoSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()
    task = serializers.CharField()
    status = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer[Any]):
    task = serializers.CharField()
    version = VersionInfoSerializer()
    prediction = PredictionSerializer()


class FeedbackSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    utterance = serializers.CharField(max_length=64)
    word = serializers.IntegerField(min_value=0)
    morpheme = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    # "morphemes": a segmentation (the segment task's field); left out, the version's task says.
    field = serializers.ChoiceField(choices=["gloss", "pos", "morphemes"], required=False)
    label = serializers.CharField(max_length=300)  # type: ignore[assignment]
    p = serializers.FloatField(min_value=0.0, max_value=1.0)
    accepted = serializers.BooleanField()
    apply = serializers.BooleanField(required=False, default=False)


class FeedbackResultSerializer(serializers.Serializer[Any]):
    accepted = serializers.BooleanField()
    written = serializers.BooleanField()


class BulkAcceptSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64, default="gloss")
    threshold = serializers.FloatField(min_value=0.0, max_value=1.0)
    text = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)


class BulkAcceptResultSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    skipped = serializers.IntegerField()


class PreannotateSerializer(serializers.Serializer[Any]):
    task = serializers.CharField(max_length=64, default="gloss")
    text = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)


class QueueRowSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField()
    text = serializers.CharField(allow_null=True)
    order = serializers.IntegerField(allow_null=True)
    confidence = serializers.FloatField()
    margin = serializers.FloatField()
    words = serializers.IntegerField()
    labelled = serializers.IntegerField()
    open = serializers.IntegerField()
    transcription = serializers.CharField(allow_blank=True)


class QueueSerializer(serializers.Serializer[Any]):
    task = serializers.CharField()
    by = serializers.CharField()
    version = VersionInfoSerializer()
    results = QueueRowSerializer(many=True)
    scanned = serializers.IntegerField()


class SuggestionItemSerializer(serializers.Serializer[Any]):
    word = serializers.IntegerField()
    morpheme = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    # "label" is also a DRF field attribute in the stubs; here it is the JSON key.
    label = serializers.CharField()  # type: ignore[assignment]
    p = serializers.FloatField()
    labels = LabelSerializer(many=True)
    status = serializers.CharField()


class StoredSuggestionSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField()
    task = serializers.CharField()
    version = serializers.IntegerField()
    version_number = serializers.IntegerField()
    utterance_version = serializers.IntegerField()
    items = SuggestionItemSerializer(many=True)
