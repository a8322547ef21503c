from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldmark.jobs import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.serializers import JobSerializer
from fieldmark.projects import permissions
from fieldmark.projects.permissions import Action, ProjectScopedMixin


class ProjectJobListView(ProjectScopedMixin, generics.ListAPIView[Job]):
    serializer_class = JobSerializer
    project_actions = {"GET": Action.VIEW_JOBS}

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.filter(project=self.project).select_related("project")


def _job_for(request: Request, job_id: str, action: Action) -> Job:
    job = Job.objects.select_related("project").filter(id=job_id).first()
    if job is None or not permissions.can_see(request.user, job.project):
        from rest_framework.exceptions import NotFound

        raise NotFound("No job with that id.")
    permissions.check(request.user, job.project, action)
    return job


class JobDetailView(APIView):
    @extend_schema(responses=JobSerializer)
    def get(self, request: Request, job_id: str) -> Response:
        return Response(JobSerializer(_job_for(request, job_id, Action.VIEW_JOBS)).data)


class JobCancelView(APIView):
    @extend_schema(request=None, responses=JobSerializer)
    def post(self, request: Request, job_id: str) -> Response:
        job = _job_for(request, job_id, Action.VIEW_JOBS)
        # The one who started a job may cancel it; otherwise it takes a manager.
        if job.created_by_id != request.user.pk:
            permissions.check(request.user, job.project, Action.IMPORT_DATA)
        return Response(JobSerializer(services.cancel(job)).data)
