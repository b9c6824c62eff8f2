from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Every staff decision and its audit trail (ReviewRecord, ModerationAction); the content
    checks (敏感词, spam rules, 原创) that the writes of the apps below run through their hooks."""

    name = "openhao.moderation"
    label = "moderation"

    def ready(self):
        from openhao.accounts import hooks as account_hooks
        from openhao.articles import hooks as article_hooks
        from openhao.common import hooks as common_hooks

        from . import actions, content, queue, selectors

        common_hooks.content_check.connect(content.content_check_listener)
        common_hooks.content_saved.connect(content.content_saved_listener)
        article_hooks.article_publish_check.connect(content.article_publish_check_listener)
        article_hooks.article_changed.connect(content.article_changed_listener)
        account_hooks.signup_check.connect(content.signup_check_listener)
        account_hooks.write_check.connect(actions.write_check)
        queue.register_builtin_sources()
        # Moderation's answers to campaigns and the creator index.
        common_hooks.user_credit.connect(selectors.credit_scores)
        common_hooks.accounts_flagged.connect(selectors.flagged_accounts)
        common_hooks.originality_failed.connect(selectors.originality_failed)
        common_hooks.user_violations.connect(selectors.violation_counts)
