from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "openhao.feeds"
    label = "feeds"

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation only)
