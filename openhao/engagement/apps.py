from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "openhao.engagement"
    label = "engagement"

    def ready(self):
        from openhao.articles import hooks as article_hooks
        from openhao.common import hooks as common_hooks

        from . import selectors, services

        article_hooks.article_published.connect(services.article_published)
        common_hooks.personal_context.connect(selectors.personal_context)
