from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "openhao.privacy"
    label = "privacy"
    verbose_name = "个人信息"

    def ready(self):
        from openhao.accounts import hooks

        from . import services

        # Signing in during the cooling-off period withdraws the 注销 request.
        hooks.user_signed_in.connect(services.deletion_cancel_on_sign_in)
