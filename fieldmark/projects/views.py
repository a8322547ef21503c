"""Thin REST views: validate, call one service, serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework import permissions as drf_permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldmark.api.auth import user_of
from fieldmark.projects import invitation_links, services
from fieldmark.projects.models import (
    AuditEntry,
    Invitation,
    InvitationStatus,
    Membership,
    Project,
    Visibility,
)
from fieldmark.projects.permissions import Action, ProjectScopedMixin
from fieldmark.projects.serializers import (
    AuditEntrySerializer,
    ClaimSerializer,
    InvitationSerializer,
    InviteSerializer,
    MemberSerializer,
    MyInvitationSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    RoleSerializer,
)


def _with_role_and_count(queryset: QuerySet[Project], user: Any) -> QuerySet[Project]:
    my_role = Membership.objects.filter(project=OuterRef("pk"), user_id=int(user.pk or 0)).values(
        "role"
    )[:1]
    return queryset.annotate(
        my_role=Subquery(my_role), member_count=Count("memberships", distinct=True)
    )


class ProjectListView(generics.ListCreateAPIView[Project]):
    serializer_class = ProjectSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "visibility",
                str,
                enum=["public"],
                description="`public` lists every public project, not only yours.",
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Project]:
        user = self.request.user
        if self.request.query_params.get("visibility") == "public":
            queryset = Project.objects.filter(visibility=Visibility.PUBLIC)
        else:
            mine = Membership.objects.filter(user_id=int(user.pk or 0)).values("project_id")
            queryset = Project.objects.filter(pk__in=mine)
        return _with_role_and_count(queryset, user).order_by("name", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.create_project(user_of(request), serializer.validated_data)
        project = _with_role_and_count(Project.objects.filter(pk=project.pk), request.user).get()
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(ProjectScopedMixin, APIView):
    permission_classes = [drf_permissions.AllowAny]
    project_actions = {
        "GET": Action.VIEW_PROJECT,
        "PATCH": Action.UPDATE_PROJECT,
        "DELETE": Action.DELETE_PROJECT,
    }

    def _data(self, project: Project) -> dict[str, Any]:
        annotated = _with_role_and_count(Project.objects.filter(pk=project.pk), self.request.user)
        return dict(ProjectSerializer(annotated.get()).data)

    @extend_schema(responses=ProjectSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(self._data(self.project))

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        serializer = ProjectUpdateSerializer(self.project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        project = services.update_project(user_of(request), self.project, serializer.validated_data)
        return Response(self._data(project))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        services.delete_project(user_of(request), self.project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(ProjectScopedMixin, generics.ListAPIView[Membership]):
    serializer_class = MemberSerializer
    project_actions = {"GET": Action.VIEW_MEMBERS}

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            Membership.objects.filter(project=self.project)
            .select_related("user")
            .order_by("joined_at", "id")
        )


class MemberDetailView(ProjectScopedMixin, APIView):
    project_actions = {"PATCH": Action.MANAGE_MEMBERS, "DELETE": Action.MANAGE_MEMBERS}

    @extend_schema(request=RoleSerializer, responses=MemberSerializer)
    def patch(self, request: Request, slug: str, username: str) -> Response:
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.change_role(
            user_of(request), self.project, username, serializer.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        services.remove_member(user_of(request), self.project, username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveView(ProjectScopedMixin, APIView):
    project_actions = {"POST": Action.LEAVE}

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, slug: str) -> Response:
        services.leave(user_of(request), self.project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(ProjectScopedMixin, generics.ListCreateAPIView[Invitation]):
    serializer_class = InvitationSerializer
    project_actions = {"GET": Action.MANAGE_MEMBERS, "POST": Action.MANAGE_MEMBERS}

    def get_queryset(self) -> QuerySet[Invitation]:
        queryset = Invitation.objects.filter(project=self.project).select_related(
            "user", "invited_by"
        )
        wanted = self.request.query_params.get("status", InvitationStatus.PENDING)
        if wanted != "all":
            queryset = queryset.filter(status=wanted)
        return queryset.order_by("-created_at")

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invite(
            user_of(request),
            self.project,
            serializer.validated_data["invitee"],
            serializer.validated_data["role"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(ProjectScopedMixin, APIView):
    project_actions = {"DELETE": Action.MANAGE_MEMBERS}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, invitation_id: str) -> Response:
        services.revoke_invitation(user_of(request), self.project, invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyInvitationListView(generics.ListAPIView[Invitation]):
    serializer_class = MyInvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        return services.pending_invitations_for(user_of(self.request))


class ClaimInvitationView(APIView):
    @extend_schema(
        request=ClaimSerializer,
        responses={200: MyInvitationSerializer},
        description="Open the link mailed for an invitation by email: the invitation is then "
        "yours to accept or decline. 400 `invalid_token`, 404 when it was answered or revoked, "
        "409 `already_claimed` when someone else opened the link first.",
    )
    def post(self, request: Request) -> Response:
        body = ClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invitation_links.claim(user_of(request), body.validated_data["token"])
        return Response(MyInvitationSerializer(invitation).data)


class AcceptInvitationView(APIView):
    @extend_schema(request=None, responses=ProjectSerializer)
    def post(self, request: Request, invitation_id: str) -> Response:
        project = services.accept_invitation(user_of(request), invitation_id)
        annotated = _with_role_and_count(Project.objects.filter(pk=project.pk), request.user)
        return Response(ProjectSerializer(annotated.get()).data)


class DeclineInvitationView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, invitation_id: str) -> Response:
        services.decline_invitation(user_of(request), invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditListView(ProjectScopedMixin, generics.ListAPIView[AuditEntry]):
    serializer_class = AuditEntrySerializer
    project_actions = {"GET": Action.VIEW_AUDIT}

    def get_queryset(self) -> QuerySet[AuditEntry]:
        return AuditEntry.objects.filter(project=self.project).select_related("actor")
