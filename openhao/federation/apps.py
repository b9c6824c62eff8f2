from django.apps import AppConfig


class FederationConfig(AppConfig):
    """ActivityPub: creators as actors that Mastodon and the rest of the fediverse can follow,
    and readers here following remote authors (docs/federation.md)."""

    name = "openhao.federation"
    label = "federation"
    verbose_name = "联邦宇宙"

    def ready(self):
        from openhao.articles import hooks as article_hooks

        from . import services

        article_hooks.article_changed.connect(services.article_changed_listener)
