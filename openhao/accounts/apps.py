from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openhao.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401  (rate-limit entries dropped on password reset)
