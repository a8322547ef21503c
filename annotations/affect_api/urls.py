from django.urls import path

from annotations.affect_api.views import (
    coders,
    face,
    layers,
    links,
    schema,
    transfer,
    uploads,
    videos,
)

VIDEO = "projects/<slug:slug>/videos/<str:video_id>"
LAYER = f"{VIDEO}/layers/<str:layer_id>"
AFFECT = "projects/<slug:slug>/affect"
UPLOAD = "projects/<slug:slug>/uploads/<str:upload_id>"

urlpatterns = [
    path("projects/<slug:slug>/videos/", videos.VideoListView.as_view(), name="affect-video-list"),
    path(f"{VIDEO}/", videos.VideoDetailView.as_view(), name="affect-video-detail"),
    path(f"{VIDEO}/stream", videos.VideoStreamView.as_view(), name="affect-video-stream"),
    path(f"{VIDEO}/poster.jpg", videos.VideoPosterView.as_view(), name="affect-video-poster"),
    path(f"{VIDEO}/layers/", layers.LayerListView.as_view(), name="affect-layer-list"),
    path(f"{LAYER}/", layers.LayerDetailView.as_view(), name="affect-layer-detail"),
    path(f"{LAYER}/history/", layers.LayerHistoryView.as_view(), name="affect-layer-history"),
    path(
        f"{LAYER}/history/<int:version>/",
        layers.LayerVersionView.as_view(),
        name="affect-layer-version",
    ),
    path(f"{LAYER}/revert/", layers.LayerRevertView.as_view(), name="affect-layer-revert"),
    path(f"{VIDEO}/links/", links.VideoLinkListView.as_view(), name="affect-video-links"),
    path(f"{VIDEO}/thumbnails/", videos.ThumbnailListView.as_view(), name="affect-thumbnails"),
    path(
        f"{VIDEO}/thumbnails/<int:index>.jpg",
        videos.ThumbnailView.as_view(),
        name="affect-thumbnail",
    ),
    path(f"{AFFECT}/schema/", schema.SchemaView.as_view(), name="affect-schema"),
    path(
        f"{AFFECT}/schema/history/",
        schema.SchemaHistoryView.as_view(),
        name="affect-schema-history",
    ),
    path(
        f"{AFFECT}/agreement/",
        coders.ProjectAgreementView.as_view(),
        name="affect-project-agreement",
    ),
    path(f"{AFFECT}/links/", links.LinkListView.as_view(), name="affect-link-list"),
    path(
        f"{AFFECT}/links/<str:link_id>/", links.LinkDetailView.as_view(), name="affect-link-detail"
    ),
    path(f"{VIDEO}/agreement/", coders.AgreementView.as_view(), name="affect-agreement"),
    path(f"{VIDEO}/export", transfer.ExportView.as_view(), name="affect-export"),
    path(f"{VIDEO}/imports/", transfer.ImportView.as_view(), name="affect-import"),
    path(f"{VIDEO}/gold/", coders.GoldView.as_view(), name="affect-gold"),
    path(
        "projects/<slug:slug>/uploads/", uploads.UploadListView.as_view(), name="affect-upload-list"
    ),
    path(UPLOAD, uploads.UploadDetailView.as_view(), name="affect-upload-detail"),
    path(f"{VIDEO}/face/code/", face.FaceCodeView.as_view(), name="affect-face-code"),
    path(f"{VIDEO}/face/tracks/", face.FaceTracksView.as_view(), name="affect-face-tracks"),
    path(
        f"{VIDEO}/face/suggestions/",
        face.SuggestionListView.as_view(),
        name="affect-face-suggestions",
    ),
    path(f"{AFFECT}/face/train/", face.FaceTrainView.as_view(), name="affect-face-train"),
    path(
        f"{AFFECT}/face/code/",
        face.FaceBatchCodeView.as_view(),
        name="affect-face-code-batch",
    ),
    path(f"{AFFECT}/face/models/", face.FaceModelListView.as_view(), name="affect-face-models"),
    path(f"{UPLOAD}/finish", uploads.UploadFinishView.as_view(), name="affect-upload-finish"),
]
