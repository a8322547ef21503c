from django.apps import AppConfig


class LinguisticApiConfig(AppConfig):
    name = "annotations.linguistic_api"
    label = "linguistic_api"
    verbose_name = "Interlinear text and lexicon API"
