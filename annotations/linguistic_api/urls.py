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
        f"{P}utterances/<str:utterance_id>/split/",
        views.UtteranceSplitView.as_view(),
        name="ling-utterance-split",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/merge/",
        views.UtteranceMergeView.as_view(),
        name="ling-utterance-merge",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/history/",
        views.UtteranceHistoryView.as_view(),
        name="ling-utterance-history",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/versions/<int:version>/",
        views.UtteranceVersionView.as_view(),
        name="ling-utterance-version",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/revert/",
        views.UtteranceRevertView.as_view(),
        name="ling-utterance-revert",
    ),
    path(
        f"{P}texts/<str:doc_id>/history/", views.TextHistoryView.as_view(), name="ling-text-history"
    ),
    path(
        f"{P}texts/<str:doc_id>/versions/<int:version>/",
        views.TextVersionView.as_view(),
        name="ling-text-version",
    ),
    path(f"{P}texts/<str:doc_id>/revert/", views.TextRevertView.as_view(), name="ling-text-revert"),
    path(f"{P}lexicon/", views.EntryListView.as_view(), name="ling-entry-list"),
    path(
        f"{P}lexicon/<str:doc_id>/history/",
        views.EntryHistoryView.as_view(),
        name="ling-entry-history",
    ),
    path(
        f"{P}lexicon/<str:doc_id>/versions/<int:version>/",
        views.EntryVersionView.as_view(),
        name="ling-entry-version",
    ),
    path(
        f"{P}lexicon/<str:doc_id>/revert/",
        views.EntryRevertView.as_view(),
        name="ling-entry-revert",
    ),
    path(f"{P}lexicon/<str:entry_id>/", views.EntryDetailView.as_view(), name="ling-entry-detail"),
    path(f"{P}imports/", views.ImportJobView.as_view(), name="ling-import"),
    path(f"{P}imports/eaf/tiers/", views.EafTiersView.as_view(), name="ling-import-eaf-tiers"),
    path(
        f"{P}imports/eaf/preview/",
        views.EafPreviewView.as_view(),
        name="ling-import-eaf-preview",
    ),
    path(
        f"{P}imports/toolbox/preview/",
        views.ToolboxPreviewView.as_view(),
        name="ling-import-toolbox-preview",
    ),
    path(f"{P}concordance/", views.ConcordanceView.as_view(), name="ling-concordance"),
    path(f"{P}export/", views.ExportView.as_view(), name="ling-export"),
    path(f"{P}exports/", views.ExportJobView.as_view(), name="ling-export-job"),
    path(
        f"{P}exports/<str:job_id>/download",
        views.ExportDownloadView.as_view(),
        name="ling-export-download",
    ),
    path(f"{P}dictionary/", views.DictionaryView.as_view(), name="ling-dictionary"),
    path(f"{P}dictionary/pdf/", views.DictionaryPdfView.as_view(), name="ling-dictionary-pdf"),
    path(
        f"{P}dictionary/pdf/<str:job_id>",
        views.DictionaryPdfDownloadView.as_view(),
        name="ling-dictionary-pdf-download",
    ),
    path(f"{P}glossing/link/", views.GlossLinkView.as_view(), name="ling-glossing-link"),
    path(f"{P}glossing/replace/", views.GlossReplaceView.as_view(), name="ling-glossing-replace"),
    path(
        f"{P}glossing/create-entries/",
        views.CreateEntriesView.as_view(),
        name="ling-glossing-create-entries",
    ),
    path(f"{P}glossing/leipzig/", views.LeipzigView.as_view(), name="ling-glossing-leipzig"),
    path(f"{P}glossing/check/", views.GlossCheckView.as_view(), name="ling-glossing-check"),
    path(
        f"{P}glossing/consistency/",
        views.GlossConsistencyView.as_view(),
        name="ling-glossing-consistency",
    ),
]
