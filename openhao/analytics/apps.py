from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "openhao.analytics"
    label = "analytics"
    verbose_name = "数据中心"
