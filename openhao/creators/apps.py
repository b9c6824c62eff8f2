from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "openhao.creators"
    label = "creators"

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation only)
