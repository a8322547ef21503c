from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fieldmark.jobs"
    label = "jobs"
