from django.apps import AppConfig


class AffectApiConfig(AppConfig):
    name = "annotations.affect_api"
    label = "affect_api"
    verbose_name = "Affect annotation API"
