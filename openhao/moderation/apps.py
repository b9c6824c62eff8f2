from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Every staff decision and its audit trail (ReviewRecord)."""

    name = "openhao.moderation"
    label = "moderation"
