from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openhao.accounts"
    label = "accounts"
