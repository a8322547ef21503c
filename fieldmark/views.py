"""The single-page frontend and JSON fallbacks for errors outside DRF."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse

from fieldmark.api.errors import error_body


def frontend(request: HttpRequest, path: str = "") -> HttpResponse | FileResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(
            "The frontend is not built: run `make run` or `npm ci --prefix frontend && "
            "npm run build --prefix frontend`.",
            status=503,
            content_type="text/plain",
        )
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("not_found", "No such endpoint."), status=404)
    return HttpResponse("Not found", status=404, content_type="text/plain")


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("server_error", "Internal server error."), status=500)
    return HttpResponse("Server error", status=500, content_type="text/plain")


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse(error_body("bad_request", "Bad request."), status=400)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", str(exception or "")), status=403)
    return HttpResponse("Forbidden", status=403, content_type="text/plain")
