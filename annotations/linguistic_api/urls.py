from django.urls import path

from annotations.linguistic_api.views import exports, glossing, imports, lexicon, texts, versions

P = "projects/<slug:slug>/"

urlpatterns = [
    path(f"{P}texts/", texts.TextListView.as_view(), name="ling-text-list"),
    path(f"{P}texts/<str:text_id>/", texts.TextDetailView.as_view(), name="ling-text-detail"),
    path(
        f"{P}texts/<str:text_id>/utterances/",
        texts.UtteranceListView.as_view(),
        name="ling-utterance-list",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/",
        texts.UtteranceDetailView.as_view(),
        name="ling-utterance-detail",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/split/",
        texts.UtteranceSplitView.as_view(),
        name="ling-utterance-split",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/merge/",
        texts.UtteranceMergeView.as_view(),
        name="ling-utterance-merge",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/history/",
        versions.UtteranceHistoryView.as_view(),
        name="ling-utterance-history",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/versions/<int:version>/",
        versions.UtteranceVersionView.as_view(),
        name="ling-utterance-version",
    ),
    path(
        f"{P}utterances/<str:utterance_id>/revert/",
        versions.UtteranceRevertView.as_view(),
        name="ling-utterance-revert",
    ),
    path(
        f"{P}texts/<str:doc_id>/history/",
        versions.TextHistoryView.as_view(),
        name="ling-text-history",
    ),
    path(
        f"{P}texts/<str:doc_id>/versions/<int:version>/",
        versions.TextVersionView.as_view(),
        name="ling-text-version",
    ),
    path(
        f"{P}texts/<str:doc_id>/revert/", versions.TextRevertView.as_view(), name="ling-text-revert"
    ),
    path(f"{P}lexicon/", lexicon.EntryListView.as_view(), name="ling-entry-list"),
    path(
        f"{P}lexicon/<str:doc_id>/history/",
        versions.EntryHistoryView.as_view(),
        name="ling-entry-history",
    ),
    path(
        f"{P}lexicon/<str:doc_id>/versions/<int:version>/",
        versions.EntryVersionView.as_view(),
        name="ling-entry-version",
    ),
    path(
        f"{P}lexicon/<str:doc_id>/revert/",
        versions.EntryRevertView.as_view(),
        name="ling-entry-revert",
    ),
    path(
        f"{P}lexicon/<str:entry_id>/", lexicon.EntryDetailView.as_view(), name="ling-entry-detail"
    ),
    path(f"{P}imports/", imports.ImportJobView.as_view(), name="ling-import"),
    path(f"{P}imports/eaf/tiers/", imports.EafTiersView.as_view(), name="ling-import-eaf-tiers"),
    path(
        f"{P}imports/eaf/preview/",
        imports.EafPreviewView.as_view(),
        name="ling-import-eaf-preview",
    ),
    path(
        f"{P}imports/toolbox/preview/",
        imports.ToolboxPreviewView.as_view(),
        name="ling-import-toolbox-preview",
    ),
    path(f"{P}concordance/", glossing.ConcordanceView.as_view(), name="ling-concordance"),
    path(f"{P}export/", exports.ExportView.as_view(), name="ling-export"),
    path(f"{P}exports/", exports.ExportJobView.as_view(), name="ling-export-job"),
    path(
        f"{P}exports/<str:job_id>/download",
        exports.ExportDownloadView.as_view(),
        name="ling-export-download",
    ),
    path(f"{P}dictionary/", lexicon.DictionaryView.as_view(), name="ling-dictionary"),
    path(f"{P}dictionary/pdf/", lexicon.DictionaryPdfView.as_view(), name="ling-dictionary-pdf"),
    path(
        f"{P}dictionary/pdf/<str:job_id>",
        lexicon.DictionaryPdfDownloadView.as_view(),
        name="ling-dictionary-pdf-download",
    ),
    path(f"{P}glossing/link/", glossing.GlossLinkView.as_view(), name="ling-glossing-link"),
    path(
        f"{P}glossing/replace/", glossing.GlossReplaceView.as_view(), name="ling-glossing-replace"
    ),
    path(
        f"{P}glossing/create-entries/",
        lexicon.CreateEntriesView.as_view(),
        name="ling-glossing-create-entries",
    ),
    path(f"{P}glossing/leipzig/", glossing.LeipzigView.as_view(), name="ling-glossing-leipzig"),
    path(f"{P}glossing/check/", glossing.GlossCheckView.as_view(), name="ling-glossing-check"),
    path(
        f"{P}glossing/consistency/",
        glossing.GlossConsistencyView.as_view(),
        name="ling-glossing-consistency",
    ),
]
