from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "openhao.articles"
    label = "articles"

    def ready(self):
        from . import checks, signals  # noqa: F401  (system check; cache invalidation only)
