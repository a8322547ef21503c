from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "fieldmark.realtime"
    label = "realtime"
