from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "openhao.ranking"
    label = "ranking"

    def ready(self):
        from openhao.articles import hooks as article_hooks

        from . import checks, services  # noqa: F401 - checks registers itself

        article_hooks.article_changed.connect(services.article_content_changed)
