from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "openhao.ranking"
    label = "ranking"
