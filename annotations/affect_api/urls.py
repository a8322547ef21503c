from django.urls import path

from annotations.affect_api import views

VIDEO = "projects/<slug:slug>/videos/<str:video_id>"
LAYER = f"{VIDEO}/layers/<str:layer_id>"

urlpatterns = [
    path("projects/<slug:slug>/videos/", views.VideoListView.as_view(), name="affect-video-list"),
    path(f"{VIDEO}/", views.VideoDetailView.as_view(), name="affect-video-detail"),
    path(f"{VIDEO}/stream", views.VideoStreamView.as_view(), name="affect-video-stream"),
    path(f"{VIDEO}/poster.jpg", views.VideoPosterView.as_view(), name="affect-video-poster"),
    path(f"{VIDEO}/layers/", views.LayerListView.as_view(), name="affect-layer-list"),
    path(f"{LAYER}/", views.LayerDetailView.as_view(), name="affect-layer-detail"),
    path(f"{LAYER}/history/", views.LayerHistoryView.as_view(), name="affect-layer-history"),
    path(f"{VIDEO}/agreement/", views.AgreementView.as_view(), name="affect-agreement"),
    path(f"{VIDEO}/export", views.ExportView.as_view(), name="affect-export"),
]
