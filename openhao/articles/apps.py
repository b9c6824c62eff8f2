from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "openhao.articles"
    label = "articles"

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation only)
