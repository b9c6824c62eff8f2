from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "openhao.search"
    label = "search"

    def ready(self):
        from openhao.ranking import hooks as ranking_hooks

        from . import services, signals  # noqa: F401  (signals: index upkeep on deletes and renames)

        ranking_hooks.article_indexed.connect(services.search_index_article)
        ranking_hooks.index_rebuilt.connect(services.search_index_rebuild)
