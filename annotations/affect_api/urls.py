from django.urls import path

from annotations.affect_api import face_views, views

VIDEO = "projects/<slug:slug>/videos/<str:video_id>"
LAYER = f"{VIDEO}/layers/<str:layer_id>"
AFFECT = "projects/<slug:slug>/affect"
UPLOAD = "projects/<slug:slug>/uploads/<str:upload_id>"

urlpatterns = [
    path("projects/<slug:slug>/videos/", views.VideoListView.as_view(), name="affect-video-list"),
    path(f"{VIDEO}/", views.VideoDetailView.as_view(), name="affect-video-detail"),
    path(f"{VIDEO}/stream", views.VideoStreamView.as_view(), name="affect-video-stream"),
    path(f"{VIDEO}/poster.jpg", views.VideoPosterView.as_view(), name="affect-video-poster"),
    path(f"{VIDEO}/layers/", views.LayerListView.as_view(), name="affect-layer-list"),
    path(f"{LAYER}/", views.LayerDetailView.as_view(), name="affect-layer-detail"),
    path(f"{LAYER}/history/", views.LayerHistoryView.as_view(), name="affect-layer-history"),
    path(
        f"{LAYER}/history/<int:version>/",
        views.LayerVersionView.as_view(),
        name="affect-layer-version",
    ),
    path(f"{LAYER}/revert/", views.LayerRevertView.as_view(), name="affect-layer-revert"),
    path(f"{VIDEO}/links/", views.VideoLinkListView.as_view(), name="affect-video-links"),
    path(f"{VIDEO}/thumbnails/", views.ThumbnailListView.as_view(), name="affect-thumbnails"),
    path(
        f"{VIDEO}/thumbnails/<int:index>.jpg",
        views.ThumbnailView.as_view(),
        name="affect-thumbnail",
    ),
    path(f"{AFFECT}/schema/", views.SchemaView.as_view(), name="affect-schema"),
    path(
        f"{AFFECT}/schema/history/", views.SchemaHistoryView.as_view(), name="affect-schema-history"
    ),
    path(
        f"{AFFECT}/agreement/",
        views.ProjectAgreementView.as_view(),
        name="affect-project-agreement",
    ),
    path(f"{AFFECT}/links/", views.LinkListView.as_view(), name="affect-link-list"),
    path(
        f"{AFFECT}/links/<str:link_id>/", views.LinkDetailView.as_view(), name="affect-link-detail"
    ),
    path(f"{VIDEO}/agreement/", views.AgreementView.as_view(), name="affect-agreement"),
    path(f"{VIDEO}/export", views.ExportView.as_view(), name="affect-export"),
    path(f"{VIDEO}/imports/", views.ImportView.as_view(), name="affect-import"),
    path(f"{VIDEO}/gold/", views.GoldView.as_view(), name="affect-gold"),
    path(
        "projects/<slug:slug>/uploads/", views.UploadListView.as_view(), name="affect-upload-list"
    ),
    path(UPLOAD, views.UploadDetailView.as_view(), name="affect-upload-detail"),
    path(f"{VIDEO}/face/code/", face_views.FaceCodeView.as_view(), name="affect-face-code"),
    path(f"{VIDEO}/face/tracks/", face_views.FaceTracksView.as_view(), name="affect-face-tracks"),
    path(
        f"{VIDEO}/face/suggestions/",
        face_views.SuggestionListView.as_view(),
        name="affect-face-suggestions",
    ),
    path(f"{AFFECT}/face/train/", face_views.FaceTrainView.as_view(), name="affect-face-train"),
    path(
        f"{AFFECT}/face/code/",
        face_views.FaceBatchCodeView.as_view(),
        name="affect-face-code-batch",
    ),
    path(
        f"{AFFECT}/face/models/", face_views.FaceModelListView.as_view(), name="affect-face-models"
    ),
    path(f"{UPLOAD}/finish", views.UploadFinishView.as_view(), name="affect-upload-finish"),
]
