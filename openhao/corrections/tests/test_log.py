"""The public change log: an entry for every change readers saw, the 已更正 line by the title,
the log page with its diffs and labels, the cache and the query counts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openhao.articles.models import Article, ArticleChange, ModerationLabel
from openhao.articles.services import (
    article_create,
    article_label_set,
    article_unpublish,
    article_update,
)
from openhao.articles.tests.factories import ArticleFactory
from openhao.moderation.services import article_approve

from .conftest import BODY

pytestmark = pytest.mark.django_db

CORRECTED = BODY.replace("5月3日", "5月4日")


def _update(article, **fields):
    fields.setdefault("title", article.title)
    fields.setdefault("body_html", article.body_html)
    fields.setdefault("summary", article.summary)
    return article_update(article=article, channel=article.channel, **fields)


def test_each_public_edit_keeps_the_version_readers_saw(article):
    published_at = article.published_at
    _update(article, body_html=CORRECTED, correction_note="日期写错了，应为5月4日。")
    _update(Article.objects.get(pk=article.pk), title="杭州三日游的完整行程记录")
    changes = list(ArticleChange.objects.filter(article=article).order_by("at", "pk"))
    assert [c.kind for c in changes] == ["correction", "edit"]
    first, second = changes
    assert "5月3日" in first.body_html and first.title == "杭州三日游的行程记录"
    assert first.note == "日期写错了，应为5月4日。"
    assert first.shown_since == published_at
    # The second entry keeps the corrected version, shown since the first edit.
    assert "5月4日" in second.body_html and second.shown_since == first.at
    article.refresh_from_db()
    assert article.correction_count == 1


def test_a_save_that_changes_no_text_and_is_no_correction_leaves_no_entry(article):
    _update(article, topic_names=["杭州"])
    assert not ArticleChange.objects.filter(article=article).exists()


def test_drafts_leave_no_entry_and_cannot_be_corrections(trusted_creator, channel):
    draft = article_create(
        creator=trusted_creator, channel=channel, title="还没发布的草稿标题", body_html=BODY
    )
    article_update(article=draft, channel=channel, title="草稿改了一个标题", body_html=CORRECTED)
    assert not ArticleChange.objects.filter(article=draft).exists()
    with pytest.raises(ValidationError):
        article_update(
            article=draft,
            channel=channel,
            title="草稿改了一个标题",
            body_html=BODY,
            correction_note="草稿不能更正",
        )


def test_an_approved_revision_is_logged_when_it_goes_public_with_its_note(creator, channel, staff):
    creator.approved_article_count = 1  # still under 先审后发
    creator.save()
    article = ArticleFactory(creator=creator, channel=channel, body_html=BODY)
    _update(article, body_html=CORRECTED, correction_note="日期更正")
    # Waiting for review: readers still see the old version, the log is empty.
    assert not ArticleChange.objects.filter(article=article).exists()
    article_approve(article=article, staff=staff)
    change = ArticleChange.objects.get(article=article)
    assert change.kind == "correction" and change.note == "日期更正"
    assert "5月3日" in change.body_html and change.revision is not None
    assert Article.objects.get(pk=article.pk).correction_count == 1


def test_unpublishing_with_a_pending_edit_logs_nothing(creator, channel):
    creator.approved_article_count = 1
    creator.save()
    article = ArticleFactory(creator=creator, channel=channel, body_html=BODY)
    _update(article, body_html=CORRECTED)
    article_unpublish(article=article)
    assert not ArticleChange.objects.filter(article=article).exists()


def test_labels_are_entries_of_the_log(article):
    article_label_set(article=article, label=ModerationLabel.RUMOR, url="https://example.com/p")
    article_label_set(article=article, label=ModerationLabel.RUMOR, url="https://example.com/p")
    article_label_set(article=article, label="")
    entries = list(ArticleChange.objects.filter(article=article).order_by("pk"))
    assert [(e.kind, e.label) for e in entries] == [("label", "rumor"), ("label", "")]


def test_article_page_shows_the_count_and_the_log_page_the_diff(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "本文已更正" not in html
    _update(article, body_html=CORRECTED, correction_note="日期写错了，应为5月4日。")
    _update(Article.objects.get(pk=article.pk), summary="杭州三天两夜的行程。")
    html = client.get(article.get_absolute_url()).content.decode()
    log_url = reverse("corrections:log", args=[article.pk])
    assert "本文已更正 1 次" in html and log_url in html
    page = client.get(log_url)
    assert page.status_code == 200
    log = page.content.decode()
    assert "日期写错了，应为5月4日。" in log
    assert "<del>我们在5月3日抵达杭州。</del>" in log
    assert "<ins>我们在5月4日抵达杭州。</ins>" in log
    # Told in words, not by colour: each change carries its 删去 / 新增 mark.
    assert log.count('<span class="diff-mark">删去</span><del>') >= 2
    assert "修改" in log and "<del>三天的杭州行程。</del>" in log
    # Newest first: the 修改 of the summary above the 更正.
    assert log.index("三天两夜") < log.index("日期写错了")


def test_the_log_shows_labels_and_answers_404_for_hidden_articles(client, article):
    article_label_set(article=article, label=ModerationLabel.RUMOR, url="https://example.com/p")
    log = client.get(reverse("corrections:log", args=[article.pk])).content.decode()
    assert "平台将本文标注为“谣言”" in log and "https://example.com/p" in log
    html = client.get(article.get_absolute_url()).content.decode()
    assert reverse("corrections:log", args=[article.pk]) in html
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(reverse("corrections:log", args=[draft.pk])).status_code == 404


def test_a_correction_invalidates_the_cached_article_and_log_pages(client, article):
    log_url = reverse("corrections:log", args=[article.pk])
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert client.get(log_url)["X-Page-Cache"] == "miss"
    assert client.get(log_url)["X-Page-Cache"] == "hit"
    _update(article, body_html=CORRECTED, correction_note="日期更正")
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "本文已更正 1 次" in response.content.decode()
    response = client.get(log_url)
    assert response["X-Page-Cache"] == "miss" and "日期更正" in response.content.decode()
    article_label_set(article=article, label=ModerationLabel.DISPUTED)
    assert "平台将本文标注为“存在争议”" in client.get(log_url).content.decode()


def test_the_log_page_query_count_is_flat(client, article, django_assert_max_num_queries):
    from django.core.cache import cache

    url = reverse("corrections:log", args=[article.pk])
    for i in range(6):
        current = Article.objects.get(pk=article.pk)
        _update(
            current, body_html=current.body_html + f"<p>补充第{i}段。</p>", correction_note=f"补{i}"
        )
    article_label_set(article=article, label=ModerationLabel.RUMOR)
    cache.clear()
    # The article, its entries (however many), and the header's channel list (a fragment).
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count('class="log-entry') == 7


def test_times_in_the_log_are_beijing_time(client, article, settings):
    settings.TIME_ZONE = "UTC"
    at = timezone.now().replace(hour=1, minute=2, second=3, microsecond=0) - timedelta(days=1)
    ArticleChange.objects.create(article=article, kind="edit", at=at, title="旧", body_html="")
    log = client.get(reverse("corrections:log", args=[article.pk])).content.decode()
    assert f"{at:%Y-%m-%d} 09:02:03" in log
