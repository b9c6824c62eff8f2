from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Every staff decision and its audit trail (ReviewRecord, ModerationAction)."""

    name = "openhao.moderation"
    label = "moderation"

    def ready(self):
        from openhao.accounts import hooks as account_hooks

        from . import actions, queue

        account_hooks.write_check.connect(actions.write_check)
        queue.register_builtin_sources()
