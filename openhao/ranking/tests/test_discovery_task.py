"""When the discovery task runs is decided by what the task backend can do, and the other apps
reach ranking and search only through the hooks that docs/architecture.md lists."""

import pytest
from django.db import transaction

from openhao.articles import hooks as article_hooks
from openhao.articles.tests.factories import ArticleFactory
from openhao.common import hooks as common_hooks
from openhao.engagement import selectors as engagement_selectors
from openhao.engagement import services as engagement_services
from openhao.moderation import content as moderation_content
from openhao.ranking import hooks as ranking_hooks
from openhao.ranking import services
from openhao.search import services as search_services

pytestmark = pytest.mark.django_db


def _discovery_tasks(backend) -> list:
    return [r.args for r in backend.results if r.task.name == "article_discovery_update"]


def test_a_queueing_backend_gets_the_task_only_once_the_transaction_commits(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    article = ArticleFactory()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert default_task_backend.supports_defer
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.article_content_changed(article_id=article.pk)
        # A worker could read the row before the commit: nothing is queued yet.
        assert _discovery_tasks(default_task_backend) == []
    assert len(callbacks) == 1
    assert _discovery_tasks(default_task_backend) == [[article.pk]]


def test_the_immediate_backend_runs_it_at_once_inside_the_transaction():
    from django_tasks import default_task_backend

    assert not default_task_backend.supports_defer
    article = ArticleFactory(title="敦煌壁画里的飞天")
    with transaction.atomic():
        article.title = "莫高窟的九色鹿"
        article.save()
        services.article_content_changed(article_id=article.pk)
        from openhao.search.selectors import search_ids

        assert search_ids("九色鹿") == [article.pk]


def test_the_hooks_have_the_listeners_the_architecture_document_lists():
    from openhao.campaigns import scoring as campaign_scoring
    from openhao.campaigns import services as campaign_services
    from openhao.engagement import hooks as engagement_hooks
    from openhao.federation import services as federation_services
    from openhao.moderation import selectors as moderation_selectors

    assert article_hooks.article_published.listeners == (
        engagement_services.article_published,
        campaign_services.article_published_enter,
    )
    assert article_hooks.article_changed.listeners == (
        services.article_content_changed,
        moderation_content.article_changed_listener,
        federation_services.article_changed_listener,
    )
    assert article_hooks.article_publish_check.listeners == (
        moderation_content.article_publish_check_listener,
    )
    assert common_hooks.content_check.listeners == (moderation_content.content_check_listener,)
    assert common_hooks.content_saved.listeners == (moderation_content.content_saved_listener,)
    assert engagement_hooks.engagement_recorded.listeners == (campaign_scoring.engagement_recorded,)
    # Moderation's answers to campaigns and the creator index.
    assert common_hooks.user_credit.listeners == (moderation_selectors.credit_scores,)
    assert common_hooks.accounts_flagged.listeners == (moderation_selectors.flagged_accounts,)
    assert common_hooks.originality_failed.listeners == (moderation_selectors.originality_failed,)
    assert common_hooks.user_violations.listeners == (moderation_selectors.violation_counts,)
    assert ranking_hooks.article_indexed.listeners == (search_services.search_index_article,)
    assert ranking_hooks.index_rebuilt.listeners == (search_services.search_index_rebuild,)
    assert common_hooks.personal_context.listeners == (engagement_selectors.personal_context,)
