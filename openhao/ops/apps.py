from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "openhao.ops"
    label = "ops"
