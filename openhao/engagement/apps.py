from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "openhao.engagement"
    label = "engagement"
