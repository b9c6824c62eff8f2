"""One definition of a public article (``Article.objects.public()``, ``public_q``,
``Article.is_public``): an article counts as public in exactly the places that render it — its
page, the lists, search, the counts and the feeds — whatever state it is in."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from openhao.analytics.selectors import creator_article_table, creator_totals
from openhao.articles import selectors
from openhao.articles.models import Article, public_q
from openhao.articles.services import (
    article_create,
    article_publish,
    article_remove,
    article_soft_delete,
    article_submit,
    article_unpublish,
    creator_recount_articles,
)
from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.engagement.selectors import article_for_comments, article_is_public
from openhao.ranking import selectors as ranking
from openhao.ranking.services import article_content_changed
from openhao.search.selectors import search_ids

pytestmark = pytest.mark.django_db

TITLE = "敦煌壁画里的飞天故事"
BODY = "<p>莫高窟的壁画讲述了一千多年来工匠们的信仰与想象，飞天是其中最动人的形象。</p>"


def _draft(*, reviewed: bool) -> Article:
    creator = CreatorFactory(approved_article_count=99 if reviewed else 0, article_count=0)
    return article_create(creator=creator, channel=ChannelFactory(), title=TITLE, body_html=BODY)


def _published() -> Article:
    return article_submit(article=_draft(reviewed=True))


def _direct(**fields) -> Article:
    """A row written outside the services (the admin, an import), then refreshed the way the
    admin does it."""
    article = _draft(reviewed=True)
    Article.objects.filter(pk=article.pk).update(**fields)
    article_content_changed(article_id=article.pk)
    return Article.objects.get(pk=article.pk)


# Each state, made the way it is made in the product; True: readers see it.
STATES = {
    "draft": (lambda: _draft(reviewed=True), False),
    "pending review": (lambda: article_submit(article=_draft(reviewed=False)), False),
    "scheduled": (
        lambda: article_submit(
            article=_draft(reviewed=True), at=timezone.now() + timedelta(hours=2)
        ),
        False,
    ),
    "published": (_published, True),
    "unpublished to drafts": (lambda: article_unpublish(article=_published()), False),
    "removed": (lambda: article_remove(article=_published()), False),
    "soft-deleted": (lambda: article_soft_delete(article=_published()), False),
    # States only a direct write reaches (DIRECT): still one answer everywhere.
    "published with a future time": (
        lambda: _direct(status="published", published_at=timezone.now() + timedelta(hours=2)),
        True,
    ),
    "published without a time": (lambda: _direct(status="published", published_at=None), False),
    "published but deleted": (
        lambda: _direct(status="published", published_at=timezone.now(), deleted_at=timezone.now()),
        False,
    ),
}


DIRECT = {"published with a future time", "published without a time", "published but deleted"}


@pytest.mark.parametrize("state", list(STATES))
def test_an_article_is_public_in_exactly_the_places_that_render_it(state, client):
    make, public = STATES[state]
    article = make()
    creator = article.creator
    creator.refresh_from_db()

    def listed(queryset):
        return article.pk in {a.pk for a in queryset}

    places = {
        "definition": Article.objects.public().filter(pk=article.pk).exists(),
        "instance": Article.objects.get(pk=article.pk).is_public,
        "join": creator.articles.filter(public_q()).exists(),
        "page": client.get(f"/article/{article.pk}/").status_code == 200,
        "creator page": TITLE in client.get(f"/creator/{creator.pk}/").content.decode(),
        "platform list": listed(selectors.platform_articles()),
        "channel list": listed(selectors.channel_articles(article.channel)),
        "creator list": listed(selectors.creator_articles(creator)),
        "往期回顾": listed(selectors.creator_latest(creator.pk)),
        "search": article.pk in search_ids("飞天"),
        "hot list": article.pk in ranking.hot_ids(limit=10),
        "feed": listed(ranking.feed_page().articles),
        "read beacon": article_is_public(article.pk),
        "数据中心": listed(creator_article_table(creator)),
    }
    try:
        places["comments"] = article_for_comments(article.pk).pk == article.pk
    except Http404:
        places["comments"] = False
    assert places == dict.fromkeys(places, public)
    # Counts: the services keep the denormalised count in step; the repair agrees with them,
    # and puts right what a direct write left behind.
    expected = 1 if public else 0
    if state not in DIRECT:
        assert creator.article_count == expected
        assert creator_totals(creator)["articles"] == expected
    assert creator_recount_articles(creator=creator) == expected


def test_publishing_at_a_future_time_is_scheduling_not_publishing():
    article = _draft(reviewed=True)
    with pytest.raises(ValueError, match="schedule"):
        article_publish(article=article, at=timezone.now() + timedelta(hours=1))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
