from django.urls import path

from fieldmark.projects import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<slug:slug>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "projects/<slug:slug>/members/<str:username>/",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("projects/<slug:slug>/leave/", views.LeaveView.as_view(), name="project-leave"),
    path(
        "projects/<slug:slug>/invitations/",
        views.InvitationListView.as_view(),
        name="invitation-list",
    ),
    path(
        "projects/<slug:slug>/invitations/<uuid:invitation_id>/",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("projects/<slug:slug>/audit/", views.AuditListView.as_view(), name="audit-list"),
    path("invitations/", views.MyInvitationListView.as_view(), name="my-invitations"),
    path("invitations/claim/", views.ClaimInvitationView.as_view(), name="invitation-claim"),
    path(
        "invitations/<uuid:invitation_id>/accept/",
        views.AcceptInvitationView.as_view(),
        name="invitation-accept",
    ),
    path(
        "invitations/<uuid:invitation_id>/decline/",
        views.DeclineInvitationView.as_view(),
        name="invitation-decline",
    ),
]
