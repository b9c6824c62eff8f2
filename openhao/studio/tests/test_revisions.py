"""Edits to a published article while its creator is under 先审后发: the published version stays
online, the edit waits as a pending ArticleRevision, approval swaps it in, rejection discards
it with a reason the creator sees."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openhao.articles.models import Article, ArticleRevision
from openhao.articles.services import (
    article_submit,
    article_unpublish,
    article_update,
    creator_recount_articles,
)
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.moderation.models import ReviewRecord
from openhao.moderation.services import article_approve, article_reject

from .test_studio import BODY, article_data, draft

pytestmark = pytest.mark.django_db

NEW_BODY = "<h2>改过的小标题</h2><p>这是修改以后的正文，比原来的更长一些，也更准确。</p>"


@pytest.fixture
def published(creator, channel):
    """A published article of a creator still under 先审后发 (approved once already)."""
    article = ArticleFactory(
        creator=creator,
        channel=channel,
        title="审核通过的原文标题",
        body_html="<p>审核通过的原文正文内容，读者现在看到的就是这一段。</p>",
        published_at=timezone.now() - timedelta(days=1),
        topics=[TopicFactory(name="原来的话题")],
    )
    creator.article_count = 1
    creator.approved_article_count = 1
    creator.save()
    return article


def _edit(client, article, channel, **overrides):
    overrides.setdefault("title", "修改以后的新标题")
    overrides.setdefault("body_html", NEW_BODY)
    return client.post(
        reverse("studio:edit", args=[article.pk]), article_data(channel, **overrides)
    )


def test_edit_form_warns_before_saving(client, creator, published, trusted_creator, channel):
    client.force_login(creator.user)
    html = client.get(reverse("studio:edit", args=[published.pk])).content.decode()
    assert "审核期间读者看到的仍是当前已发布的版本" in html
    assert "提交修改审核" in html
    # A creator past 先审后发 saves straight to the public page: no such warning.
    theirs = ArticleFactory(creator=trusted_creator, channel=channel)
    client.force_login(trusted_creator.user)
    html = client.get(reverse("studio:edit", args=[theirs.pk])).content.decode()
    assert "审核期间读者看到的仍是当前已发布的版本" not in html
    assert "更新文章" in html


def test_the_published_version_stays_online_while_the_edit_waits(
    client, creator, published, channel
):
    url = published.get_absolute_url()
    client.force_login(creator.user)
    response = _edit(client, published, channel)
    assert response["Location"] == reverse("studio:home")
    home = client.get(reverse("studio:home")).content.decode()
    assert "修改已提交审核" in home and "修改待审核" in home
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED
    assert published.title == "审核通过的原文标题"
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "审核通过的原文标题" in html and "修改以后的新标题" not in html
    assert "原来的话题" in html
    revision = ArticleRevision.objects.get(article=published)
    assert revision.status == ArticleRevision.Status.PENDING
    assert revision.title == "修改以后的新标题"
    assert sorted(revision.topic_names) == ["城市跑步", "春季图文激励计划"]
    assert revision.references == [
        {
            "title": "城市马拉松年度报告",
            "source": "体育研究出版社",
            "url": "https://example.com/report",
        }
    ]
    creator.refresh_from_db()
    assert creator.article_count == 1 == creator_recount_articles(creator=creator)

    # The studio says so, and the editor reopens on the pending edit.
    client.force_login(creator.user)
    editor = client.get(reverse("studio:edit", args=[published.pk])).content.decode()
    assert "修改以后的新标题" in editor and "修改正在等待审核" in editor


def test_a_second_edit_updates_the_same_pending_revision(client, creator, published, channel):
    client.force_login(creator.user)
    _edit(client, published, channel)
    _edit(client, published, channel, title="又改了一次的标题")
    revision = ArticleRevision.objects.get(article=published)
    assert revision.title == "又改了一次的标题"


def test_approval_swaps_the_revision_in(client, creator, published, staff, channel):
    other = ChannelFactory(slug="travel", name="旅游")
    client.force_login(creator.user)
    _edit(client, published, other)
    published_at = published.published_at

    client.force_login(staff)
    queue = client.get(reverse("review:articles")).content.decode()
    assert "修改以后的新标题" in queue and "修改" in queue
    review = client.get(reverse("review:article", args=[published.pk])).content.decode()
    assert "修改以后的新标题" in review and "改过的小标题" in review
    assert "城市跑步" in review
    client.post(reverse("review:article", args=[published.pk]), {"decision": "approve"})

    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED
    assert published.title == "修改以后的新标题"
    assert published.channel == other
    assert published.published_at == published_at  # same URL, same original time
    assert published.edited_at is not None
    assert sorted(t.name for t in published.topics.all()) == ["城市跑步", "春季图文激励计划"]
    assert [r.title for r in published.references.all()] == ["城市马拉松年度报告"]
    revision = ArticleRevision.objects.get(article=published)
    assert revision.status == ArticleRevision.Status.APPROVED
    record = ReviewRecord.objects.get(article=published)
    assert record.revision == revision and record.staff == staff
    creator.refresh_from_db()
    assert creator.article_count == 1
    assert creator.approved_article_count == 1  # an approved edit does not count twice
    client.logout()
    html = client.get(published.get_absolute_url()).content.decode()
    assert "修改以后的新标题" in html and "原来的话题" not in html


def test_rejection_discards_the_revision_and_tells_the_creator(
    client, creator, published, staff, channel
):
    client.force_login(creator.user)
    _edit(client, published, channel)
    client.force_login(staff)
    url = reverse("review:article", args=[published.pk])
    client.post(url, {"decision": "reject", "reason": "新标题与正文不符。"})
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED
    assert published.title == "审核通过的原文标题"
    revision = ArticleRevision.objects.get(article=published)
    assert revision.status == ArticleRevision.Status.REJECTED
    assert revision.review_note == "新标题与正文不符。"
    record = ReviewRecord.objects.get(article=published)
    assert record.decision == ReviewRecord.Decision.REJECT and record.revision == revision

    client.force_login(creator.user)
    home = client.get(reverse("studio:home")).content.decode()
    assert "修改未通过审核：新标题与正文不符。" in home
    editor = client.get(reverse("studio:edit", args=[published.pk])).content.decode()
    assert "修改未通过审核：新标题与正文不符。" in editor
    assert 'value="审核通过的原文标题"' in editor  # the editor is back on the public version
    # A new edit is a new pending revision; the rejected one stays as history.
    _edit(client, published, channel, title="按意见改过的标题")
    assert ArticleRevision.objects.filter(article=published).count() == 2
    home = client.get(reverse("studio:home")).content.decode()
    assert "修改待审核" in home and "修改未通过审核" not in home


def test_nothing_to_decide_is_refused(creator, published, staff, channel):
    """Services: approving or rejecting an article with nothing pending is refused."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        article_approve(article=published, staff=staff)
    with pytest.raises(ValidationError):
        article_reject(article=published, staff=staff, reason="无")


def test_trusted_creators_edit_goes_straight_out(trusted_creator, channel):
    article = ArticleFactory(creator=trusted_creator, channel=channel, title="老作者的原标题")
    article_update(article=article, channel=channel, title="老作者的新标题", body_html=BODY)
    article.refresh_from_db()
    assert article.title == "老作者的新标题" and article.status == Article.Status.PUBLISHED
    assert not ArticleRevision.objects.exists()


def test_unpublishing_keeps_the_pending_edit_as_the_draft(creator, published, channel):
    article_update(article=published, channel=channel, title="修改以后的新标题", body_html=NEW_BODY)
    article_unpublish(article=published)
    published.refresh_from_db()
    assert published.status == Article.Status.DRAFT
    assert published.title == "修改以后的新标题"  # nothing the creator wrote is lost
    assert not ArticleRevision.objects.filter(status=ArticleRevision.Status.PENDING).exists()
    creator.refresh_from_db()
    assert creator.article_count == 0


def test_an_approved_scheduled_article_edited_under_review_is_reviewed_again(
    creator, staff, channel
):
    at = timezone.now() + timedelta(days=2)
    article = draft(creator, channel)
    article_submit(article=article, at=at)
    article_approve(article=article, staff=staff)
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED
    article_update(article=article, channel=channel, title="定时发布前偷偷改的标题", body_html=BODY)
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert article.scheduled_at == at


def test_studio_list_shows_the_scheduled_time_of_an_article_waiting_for_review(
    client, creator, channel
):
    at = timezone.now() + timedelta(days=2)
    article = draft(creator, channel, title="等审核的定时文章标题")
    article_submit(article=article, at=at)
    client.force_login(creator.user)
    html = client.get(reverse("studio:home")).content.decode()
    row = html[html.index("等审核的定时文章标题") :].split("</tr>")[0]
    local = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"将于 {local} 发布" in row
    assert "更新于" not in row


def test_studio_home_with_revisions_keeps_its_query_count(
    client, creator, published, channel, django_assert_max_num_queries
):
    for i in range(5):
        article = ArticleFactory(creator=creator, channel=channel, title=f"第{i}篇已发布文章")
        article_update(article=article, channel=channel, title=f"第{i}篇的修改", body_html=BODY)
    client.force_login(creator.user)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("studio:home")).content.decode()
    assert html.count("修改待审核") == 5


def test_review_page_query_count(
    client, creator, published, staff, channel, django_assert_max_num_queries
):
    article_update(article=published, channel=channel, title="修改以后的新标题", body_html=NEW_BODY)
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("review:articles")).status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(reverse("review:article", args=[published.pk])).status_code == 200


def test_the_creator_can_withdraw_a_pending_edit(client, creator, published, channel):
    client.force_login(creator.user)
    _edit(client, published, channel)
    response = client.post(reverse("studio:withdraw_revision", args=[published.pk]), follow=True)
    assert "已撤销待审核的修改" in response.content.decode()
    assert not ArticleRevision.objects.exists()
    published.refresh_from_db()
    assert published.title == "审核通过的原文标题"
