from django.urls import path

from annotations.linguistic_api import views

P = "projects/<slug:slug>/"

urlpatterns = [
    path(f"{P}texts/", views.TextListView.as_view(), name="ling-text-list"),
    path(f"{P}texts/<str:text_id>/", views.TextDetailView.as_view(), name="ling-text-detail"),
    path(
        f"{P}texts/<str:text_id>/utterances/",
        views.UtteranceListView.as_view(),
        name="ling-utterance-list",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/",
        views.UtteranceDetailView.as_view(),
        name="ling-utterance-detail",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/history/",
        views.UtteranceHistoryView.as_view(),
        name="ling-utterance-history",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/revert/",
        views.UtteranceRevertView.as_view(),
        name="ling-utterance-revert",
    ),
    path(f"{P}lexicon/", views.EntryListView.as_view(), name="ling-entry-list"),
    path(f"{P}lexicon/<str:entry_id>/", views.EntryDetailView.as_view(), name="ling-entry-detail"),
    path(f"{P}imports/", views.ImportView.as_view(), name="ling-import"),
    path(f"{P}concordance/", views.ConcordanceView.as_view(), name="ling-concordance"),
    path(f"{P}export/", views.ExportView.as_view(), name="ling-export"),
    path(f"{P}glossing/leipzig/", views.LeipzigView.as_view(), name="ling-glossing-leipzig"),
    path(f"{P}glossing/check/", views.GlossCheckView.as_view(), name="ling-glossing-check"),
    path(
        f"{P}glossing/consistency/",
        views.GlossConsistencyView.as_view(),
        name="ling-glossing-consistency",
    ),
]
