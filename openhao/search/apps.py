from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "openhao.search"
    label = "search"
