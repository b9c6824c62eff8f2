from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "openhao.common"
    label = "common"
