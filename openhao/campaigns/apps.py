from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "openhao.campaigns"
    label = "campaigns"
    verbose_name = "活动"

    def ready(self):
        from openhao.articles import hooks as article_hooks
        from openhao.engagement import hooks as engagement_hooks

        from . import scoring, services

        article_hooks.article_published.connect(services.article_published_enter)
        engagement_hooks.engagement_recorded.connect(scoring.engagement_recorded)
