from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fieldmark.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Connects the receiver that removes a deleted job's files.
        from fieldmark.jobs import files  # noqa: F401
