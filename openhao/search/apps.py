from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "openhao.search"
    label = "search"

    def ready(self):
        from . import signals  # noqa: F401  (index upkeep on deletes and renames)
