from django.urls import path

from annotations.linked_api import views

P = "projects/<slug:slug>/rdf/"

urlpatterns = [
    path(P, views.ExportView.as_view(), name="rdf-export"),
    path(f"{P}sparql", views.SparqlView.as_view(), name="rdf-sparql"),
    path(f"{P}status/", views.StatusView.as_view(), name="rdf-status"),
    path(f"{P}imports/", views.ImportView.as_view(), name="rdf-import"),
    path(f"{P}exports/", views.ExportJobView.as_view(), name="rdf-export-job"),
    path(
        f"{P}exports/<str:job_id>/download",
        views.ExportDownloadView.as_view(),
        name="rdf-export-download",
    ),
    path(f"{P}rebuild/", views.RebuildView.as_view(), name="rdf-rebuild"),
    # The address of the endpoint: /api/v1/projects/<slug>/sparql
    path("projects/<slug:slug>/sparql", views.SparqlView.as_view(), name="sparql"),
]

ld_urlpatterns = [
    path("context.jsonld", views.ContextView.as_view(), name="ld-context"),
    path("<slug:project>/<str:kind>", views.ResourceView.as_view(), name="ld-singleton"),
    path(
        "<slug:project>/<str:kind>/<path:doc_id>", views.ResourceView.as_view(), name="ld-resource"
    ),
]
