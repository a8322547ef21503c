from django.urls import path

from fieldmark.jobs import views

urlpatterns = [
    path("projects/<slug:slug>/jobs/", views.ProjectJobListView.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/cancel/", views.JobCancelView.as_view(), name="job-cancel"),
]
