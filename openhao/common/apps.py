from django.apps import AppConfig
from django.core import checks


class CommonConfig(AppConfig):
    name = "openhao.common"
    label = "common"

    def ready(self):
        from .budget import check_settings

        checks.register(check_settings)
