from django.urls import path

from mlworkers import views

P = "projects/<slug:slug>/"

urlpatterns = [
    path(P + "models/tasks/", views.TaskListView.as_view(), name="ml-tasks"),
    path(P + "models/runs/", views.RunListView.as_view(), name="ml-runs"),
    path(P + "models/runs/<int:run_id>/", views.RunDetailView.as_view(), name="ml-run"),
    path(
        P + "models/runs/<int:run_id>/cancel/", views.RunCancelView.as_view(), name="ml-run-cancel"
    ),
    path(P + "models/versions/", views.VersionListView.as_view(), name="ml-versions"),
    path(P + "models/versions/rollback/", views.RollbackView.as_view(), name="ml-rollback"),
    path(P + "models/versions/import/", views.ImportModelView.as_view(), name="ml-import"),
    path(P + "models/versions/external/", views.ExternalModelView.as_view(), name="ml-external"),
    path(
        P + "models/versions/<int:version_id>/",
        views.VersionDetailView.as_view(),
        name="ml-version",
    ),
    path(
        P + "models/versions/<int:version_id>/plots/",
        views.VersionPlotsView.as_view(),
        name="ml-version-plots",
    ),
    path(
        P + "models/versions/<int:version_id>/activate/",
        views.VersionActivateView.as_view(),
        name="ml-version-activate",
    ),
    path(P + "models/schedules/", views.ScheduleListView.as_view(), name="ml-schedules"),
    path(
        P + "models/schedules/<int:schedule_id>/",
        views.ScheduleDetailView.as_view(),
        name="ml-schedule",
    ),
    path(P + "models/queue/", views.QueueView.as_view(), name="ml-queue"),
    path(P + "suggestions/", views.SuggestView.as_view(), name="ml-suggest"),
    path(P + "suggestions/feedback/", views.FeedbackView.as_view(), name="ml-feedback"),
    path(P + "suggestions/bulk-accept/", views.BulkAcceptView.as_view(), name="ml-bulk-accept"),
    path(P + "suggestions/preannotate/", views.PreannotateView.as_view(), name="ml-preannotate"),
    path(
        P + "texts/<str:text_id>/suggestions/",
        views.TextSuggestionsView.as_view(),
        name="ml-text-suggestions",
    ),
]
