"""阅读历史: filled from the read beacon through the buffer's flush, newest first and grouped by
day in Asia/Shanghai, clear all, remove one, pause; private to its owner; a flat query count."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from openhao.accounts.services import reading_history_pause
from openhao.articles import services as article_services
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters
from openhao.ranking import selectors, services
from openhao.ranking.models import ReadHistory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _buffer(fresh_read_buffer):
    return fresh_read_buffer


def _beacon(client, article):
    return client.post(f"/_/article/{article.pk}/read", HTTP_USER_AGENT=BROWSER)


def test_reads_reach_the_history_page_through_the_buffer(client):
    user = UserFactory()
    first, second = ArticleFactory(), ArticleFactory()
    client.force_login(user)
    _beacon(client, first)
    _beacon(client, second)
    html = client.get(reverse("history:list")).content.decode()
    assert first.title not in html  # not flushed yet
    counters.flush_reads()
    html = client.get(reverse("history:list")).content.decode()
    assert first.title in html and second.title in html
    # The same rows feed the personal feed's "like what you read".
    assert set(selectors.read_history_ids(user)) == {first.pk, second.pk}


def _at(user, article, moment):
    services.read_history_record(entries=[(user.pk, article.pk, moment.timestamp())])


def test_grouped_by_day_in_shanghai_newest_first():
    user = UserFactory()
    a, b, c = ArticleFactory.create_batch(3)
    # 15:30 and 16:30 UTC of one UTC day fall on two Shanghai days (23:30 and 00:30).
    day = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    _at(user, a, day + timedelta(hours=15, minutes=30))  # 23:30 Shanghai
    _at(user, b, day + timedelta(hours=16, minutes=30))  # 00:30 next day in Shanghai
    _at(user, c, day + timedelta(hours=17))
    page, days = selectors.history_page(user=user)
    assert [[e.article_id for e in d.entries] for d in days] == [[c.pk, b.pk], [a.pk]]
    first_day = (day + timedelta(hours=16, minutes=30)).astimezone(SHANGHAI).date()
    assert days[0].day == first_day and days[1].day == first_day - timedelta(days=1)


def test_clear_all_and_remove_one_and_buffered_reads_before_a_clear(client):
    user = UserFactory()
    a, b, c = ArticleFactory.create_batch(3)
    now = timezone.now()
    for i, article in enumerate((a, b, c)):
        _at(user, article, now - timedelta(minutes=10 - i))
    client.force_login(user)
    client.post(reverse("history:remove", args=[b.pk]))
    assert set(ReadHistory.objects.filter(user=user).values_list("article_id", flat=True)) == {
        a.pk,
        c.pk,
    }
    client.post(reverse("history:clear"))
    assert not ReadHistory.objects.filter(user=user).exists()
    # A read still in the buffer from before the clear does not come back.
    services.read_history_record(
        entries=[(user.pk, a.pk, (now - timedelta(minutes=1)).timestamp())]
    )
    assert not ReadHistory.objects.filter(user=user).exists()
    services.read_history_record(
        entries=[(user.pk, a.pk, (timezone.now() + timedelta(seconds=1)).timestamp())]
    )
    assert ReadHistory.objects.filter(user=user).count() == 1


def test_a_removed_entry_stays_removed_when_its_read_is_still_buffered(client):
    """The read that put the entry there can still sit in the read buffer (up to a minute)
    when the reader removes it: the flush must not bring it back. A later read does."""
    user = UserFactory()
    article, other = ArticleFactory(), ArticleFactory()
    client.force_login(user)
    _beacon(client, article)
    counters.flush_reads()
    _beacon(client, other)  # counted once: a second beacon of `article` would be deduplicated
    services.read_history_record(
        entries=[(user.pk, article.pk, (timezone.now() - timedelta(seconds=5)).timestamp())]
    )
    assert client.post(reverse("history:remove", args=[article.pk])).status_code == 302
    # What was still buffered from before the removal is flushed now.
    counters.flush_reads()
    services.read_history_record(
        entries=[(user.pk, article.pk, (timezone.now() - timedelta(seconds=2)).timestamp())]
    )
    ids = set(ReadHistory.objects.filter(user=user).values_list("article_id", flat=True))
    assert ids == {other.pk}
    # Reading it again after the removal puts it back.
    services.read_history_record(
        entries=[(user.pk, article.pk, (timezone.now() + timedelta(seconds=1)).timestamp())]
    )
    ids = set(ReadHistory.objects.filter(user=user).values_list("article_id", flat=True))
    assert ids == {article.pk, other.pk}


def test_pause_keeps_reads_out_and_resume_lets_them_in(client):
    user = UserFactory()
    article, later = ArticleFactory(), ArticleFactory()
    client.force_login(user)
    assert client.post(reverse("history:pause"), {"action": "pause"}).status_code == 302
    user.refresh_from_db()
    assert user.history_paused
    assert "恢复记录阅读历史" in client.get(reverse("history:list")).content.decode()
    _beacon(client, article)
    counters.flush_reads()
    assert not ReadHistory.objects.filter(user=user).exists()
    # A read buffered before the pause is dropped at the flush too.
    services.read_history_record(entries=[(user.pk, later.pk, timezone.now().timestamp())])
    assert not ReadHistory.objects.filter(user=user).exists()
    reading_history_pause(user=user, paused=False)
    _beacon(client, later)
    counters.flush_reads()
    assert list(ReadHistory.objects.filter(user=user).values_list("article_id", flat=True)) == [
        later.pk
    ]


def test_history_is_private_and_shows_removed_articles_as_taken_down(client):
    owner, other = UserFactory(), UserFactory()
    kept, gone = ArticleFactory(), ArticleFactory()
    now = timezone.now()
    _at(owner, kept, now - timedelta(minutes=2))
    _at(owner, gone, now - timedelta(minutes=1))
    title = gone.title
    article_services.article_remove(article=gone)
    assert client.get(reverse("history:list")).status_code == 302  # sign in first
    client.force_login(owner)
    html = client.get(reverse("history:list")).content.decode()
    assert kept.title in html and "内容已下架" in html and title not in html
    client.force_login(other)
    html = client.get(reverse("history:list")).content.decode()
    assert kept.title not in html and "还没有阅读历史" in html
    # Another reader's remove touches only their own history.
    client.post(reverse("history:remove", args=[kept.pk]))
    assert ReadHistory.objects.filter(user=owner).count() == 2


def test_keyset_pages(client):
    user = UserFactory()
    now = timezone.now()
    articles = ArticleFactory.create_batch(5)
    for i, article in enumerate(articles):
        _at(user, article, now - timedelta(hours=i))
    seen, cursor = [], None
    while True:
        page, _days = selectors.history_page(user=user, cursor=cursor, size=2)
        seen += [e.article_id for e in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == [a.pk for a in articles]


def test_history_page_query_count_is_flat(client, django_assert_max_num_queries):
    user = UserFactory()
    now = timezone.now()
    for i, article in enumerate(ArticleFactory.create_batch(3)):
        _at(user, article, now - timedelta(hours=i))
    client.force_login(user)
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("history:list"))
    for i, article in enumerate(ArticleFactory.create_batch(40)):
        _at(user, article, now - timedelta(days=1, hours=i))
    with django_assert_max_num_queries(4) as many:
        response = client.get(reverse("history:list"))
    assert len(many) == len(few)
    assert "更早的阅读" in response.content.decode()


def test_the_shanghai_day_of_a_late_utc_read():
    # The page's day headings use the site's zone, not UTC.
    moment = datetime(2026, 3, 1, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert timezone.localtime(moment).date().isoformat() == "2026-03-02"
