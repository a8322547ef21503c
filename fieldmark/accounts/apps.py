from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fieldmark.accounts"
    label = "accounts"
