from django.apps import AppConfig


class AffectApiConfig(AppConfig):
    name = "annotations.affect_api"
    label = "affect_api"
    verbose_name = "Affect annotation API"

    def ready(self) -> None:
        # Face models are the ``face`` task of the shared model registry.
        from annotations.affect_api import face_task

        face_task.register()
