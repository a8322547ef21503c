from __future__ import annotations

from rest_framework import serializers

from fieldmark.jobs.models import Job


class JobSerializer(serializers.ModelSerializer[Job]):
    project = serializers.CharField(source="project.slug", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "project",
            "kind",
            "queue",
            "state",
            "progress",
            "message",
            "params",
            "result",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "cancel_requested",
        ]
        read_only_fields = fields
