"""Studio 删除: a confirmation page (works without JavaScript), then the 回收站 (trash) where an
article can be restored for OPENHAO_TRASH_DAYS days; after that it is purged by the periodic
scheduler (or, when staff decisions refer to it, hidden for good). Counters stay right."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.services import (
    article_remove,
    article_restore,
    article_soft_delete,
    article_submit,
    articles_purge_trash,
    creator_recount_articles,
)
from openhao.articles.tests.factories import ArticleFactory
from openhao.common import periodic
from openhao.engagement.models import Comment
from openhao.moderation.services import article_approve

from .test_studio import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(trusted_creator, channel):
    article = ArticleFactory(creator=trusted_creator, channel=channel, title="将被删除的已发布文章")
    trusted_creator.article_count = 1
    trusted_creator.save()
    return article


def _count(creator) -> int:
    creator.refresh_from_db()
    assert creator.article_count == creator_recount_articles(creator=creator)
    return creator.article_count


def test_delete_asks_for_confirmation_first(client, trusted_creator, live):
    client.force_login(trusted_creator.user)
    home = client.get(reverse("studio:home")).content.decode()
    confirm_url = reverse("studio:delete", args=[live.pk])
    assert f'href="{confirm_url}"' in home  # a link to the confirmation page, not a POST
    page = client.get(confirm_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "将被删除的已发布文章" in html and "回收站" in html and "30 天" in html
    assert 'method="post"' in html and "确认删除" in html
    live.refresh_from_db()
    assert live.deleted_at is None and live.status == Article.Status.PUBLISHED


def test_deleted_article_goes_to_the_trash_and_comes_back(client, trusted_creator, live):
    url = live.get_absolute_url()
    client.force_login(trusted_creator.user)
    response = client.post(reverse("studio:delete", args=[live.pk]), follow=True)
    assert "已移到回收站" in response.content.decode()
    assert "将被删除的已发布文章" not in client.get(reverse("studio:home")).content.decode()
    assert client.get(url).status_code == 404
    assert _count(trusted_creator) == 0

    trash = client.get(reverse("studio:trash")).content.decode()
    assert "将被删除的已发布文章" in trash and "30 天后彻底删除" in trash
    response = client.post(reverse("studio:restore", args=[live.pk]), follow=True)
    assert "已恢复" in response.content.decode()
    live.refresh_from_db()
    assert live.deleted_at is None and live.status == Article.Status.PUBLISHED
    assert client.get(url).status_code == 200
    assert _count(trusted_creator) == 1
    assert "将被删除的已发布文章" not in client.get(reverse("studio:trash")).content.decode()


def test_restore_puts_each_article_back_as_it_was(trusted_creator, creator, channel, staff):
    kept_draft = draft(trusted_creator, channel, title="回收站里的草稿文章")
    pending = draft(creator, channel, title="回收站里的待审文章")
    article_submit(article=pending)
    at = timezone.now() + timedelta(days=1)
    scheduled = draft(trusted_creator, channel, title="回收站里的定时文章")
    article_submit(article=scheduled, at=at)
    taken_down = ArticleFactory(creator=trusted_creator, channel=channel)
    article_remove(article=taken_down)  # staff took it down: restoring must not undo that
    for article in (kept_draft, pending, scheduled, taken_down):
        article_soft_delete(article=article)
        article_restore(article=article)
        article.refresh_from_db()
        assert article.deleted_at is None
    assert kept_draft.status == Article.Status.DRAFT
    assert pending.status == Article.Status.PENDING
    assert scheduled.status == Article.Status.SCHEDULED and scheduled.scheduled_at == at
    assert taken_down.status == Article.Status.REMOVED
    article_approve(article=pending, staff=staff)  # back in the review queue
    assert _count(creator) == 1


def test_after_30_days_it_cannot_be_restored_and_is_purged(client, trusted_creator, live, staff):
    client.force_login(trusted_creator.user)
    Comment.objects.create(article=live, user=staff, body="一条跟贴", body_html="一条跟贴")
    reviewed = draft(trusted_creator, trusted_creator.main_channel, title="有审核记录的文章")
    trusted_creator.approved_article_count = 0
    trusted_creator.save()
    article_submit(article=reviewed)
    article_approve(article=reviewed, staff=staff)
    for article in (live, reviewed):
        client.post(reverse("studio:delete", args=[article.pk]))
    # 30 days later (moved back in the table: the session would not last that long).
    Article.objects.filter(deleted_at__isnull=False).update(
        deleted_at=timezone.now() - timedelta(days=30, minutes=1)
    )
    client.get(reverse("studio:home"))  # shows (and uses up) the "moved to the trash" messages
    trash = client.get(reverse("studio:trash")).content.decode()
    assert "将被删除的已发布文章" not in trash and "有审核记录的文章" not in trash
    response = client.post(reverse("studio:restore", args=[live.pk]), follow=True)
    assert "无法恢复" in response.content.decode()
    assert articles_purge_trash() == 1
    assert not Article.objects.filter(pk=live.pk).exists()
    assert not Comment.objects.exists()
    # Staff decisions refer to the other one: it stays for the audit trail, hidden for good.
    assert Article.objects.filter(pk=reviewed.pk, deleted_at__isnull=False).exists()
    assert _count(trusted_creator) == 0


def test_purge_leaves_younger_trash_alone(trusted_creator, live):
    article_soft_delete(article=live)
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert articles_purge_trash() == 0
    assert Article.objects.filter(pk=live.pk).exists()


def test_the_periodic_scheduler_purges_the_trash(settings):
    names = {job.name: job for job in periodic.jobs()}
    assert names["purge_trash"].task == "openhao.articles.tasks.purge_trash"
    from openhao.articles.tasks import purge_trash

    assert purge_trash.call() == 0


def test_another_creators_article_cannot_be_deleted_or_restored(client, creator, channel):
    from openhao.creators.tests.factories import CreatorFactory

    other = CreatorFactory(display_name="别的作者")
    theirs = draft(other, channel, title="别人的文章标题")
    client.force_login(creator.user)
    assert client.get(reverse("studio:delete", args=[theirs.pk])).status_code == 404
    article_soft_delete(article=theirs)
    assert client.post(reverse("studio:restore", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is not None


def test_trash_page_query_count(client, trusted_creator, channel, django_assert_max_num_queries):
    for i in range(10):
        article_soft_delete(article=draft(trusted_creator, channel, title=f"回收站第{i}篇文章"))
    client.force_login(trusted_creator.user)
    with django_assert_max_num_queries(6):
        html = client.get(reverse("studio:trash")).content.decode()
    assert html.count("天后彻底删除") == 10
    url = reverse("studio:delete", args=[draft(trusted_creator, channel).pk])
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
