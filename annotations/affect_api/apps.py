from django.apps import AppConfig


class AffectApiConfig(AppConfig):
    name = "annotations.affect_api"
    label = "affect_api"
    verbose_name = "Affect annotation API"

    def ready(self) -> None:
        from annotations.affect_api import cleanup
        from fieldmark.jobs import files

        files.register_sweeper(cleanup.sweep_abandoned_uploads)
