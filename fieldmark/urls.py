from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from annotations.linked_api.urls import ld_urlpatterns as ld_urls
from fieldmark import views
from fieldmark.api.health import HealthView

api_v1 = [
    path("", include("fieldmark.accounts.urls")),
    path("", include("fieldmark.projects.urls")),
    path("", include("fieldmark.jobs.urls")),
    path("", include("annotations.affect_api.urls")),
    path("", include("annotations.linguistic_api.urls")),
    path("", include("annotations.linked_api.urls")),
    path("", include("mlworkers.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/health", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("ld/", include(ld_urls)),
    re_path(r"^(?!api/|static/|admin/|ws/|media/|ld/)(?P<path>.*)$", views.frontend, name="frontend"),
]

handler400 = "fieldmark.views.handler400"
handler403 = "fieldmark.views.handler403"
handler404 = "fieldmark.views.handler404"
handler500 = "fieldmark.views.handler500"
