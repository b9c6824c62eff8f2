"""The signed-in reader's 推荐 feed: followed creators, close to recent reads, hot; read, hidden
and muted items left out; reading history recorded by the read beacon without per-view writes."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import counters
from openhao.engagement.services import follow_create
from openhao.ranking import history, services
from openhao.ranking.models import FeedHidden, FeedMuted, ReadHistory
from openhao.ranking.selectors import feed_page, read_history_ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_read_buffer():
    counters.reset_read_buffer()
    counters.read_buffer().clear()
    yield
    counters.read_buffer().clear()
    counters.reset_read_buffer()


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def beacon(client, article):
    return client.post(f"/_/article/{article.pk}/read", HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def reader():
    return UserFactory()


_clock = itertools.count()


def read(user, *articles):
    """Record reads, each later than the one before."""
    now = timezone.now().timestamp() - 10_000
    services.read_history_record(entries=[(user.pk, a.pk, now + next(_clock)) for a in articles])


def walk(user, size):
    seen, cursor = [], None
    for _ in range(100):
        page = feed_page(cursor=cursor, size=size, user=user)
        seen.extend(a.pk for a in page.articles)
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the cursor never ends")


def hot_crowd(n=30):
    now = timezone.now()
    return [
        ArticleFactory(view_count=1_000, published_at=now - timedelta(minutes=i)) for i in range(n)
    ]


# --- reading history ------------------------------------------------------------------------


def test_signed_in_reads_reach_the_history_only_when_flushed(client, reader):
    article, other = ArticleFactory(), ArticleFactory()
    client.force_login(reader)
    assert beacon(client, article).status_code == 204
    assert beacon(client, article).status_code == 204  # same window
    assert not ReadHistory.objects.exists()  # no database write per page view
    client.logout()
    assert beacon(client, other).status_code == 204  # anonymous
    counters.flush_reads()
    assert list(ReadHistory.objects.values_list("user_id", "article_id")) == [
        (reader.pk, article.pk)
    ]
    assert read_history_ids(reader) == [article.pk]


def test_history_is_capped_per_reader_keeping_the_newest(monkeypatch, reader):
    monkeypatch.setattr(history, "HISTORY_PER_USER", 3)
    articles = [ArticleFactory() for _ in range(5)]
    someone = UserFactory()
    read(someone, articles[0])
    read(reader, *articles)
    assert read_history_ids(reader) == [a.pk for a in reversed(articles[2:])]
    assert read_history_ids(someone) == [articles[0].pk]
    # A re-read moves the article to the front and deleted readers are skipped.
    read(reader, articles[2])
    ghost = UserFactory()
    ghost_id = ghost.pk
    ghost.delete()
    services.read_history_record(entries=[(ghost_id, articles[0].pk, 1.0)])
    assert read_history_ids(reader)[0] == articles[2].pk
    assert ReadHistory.objects.count() == 4


# --- what the feed holds ------------------------------------------------------------------


def test_followed_creators_new_articles_come_first(reader):
    hot_crowd()
    followed = CreatorFactory()
    new = ArticleFactory(creator=followed, view_count=10, title="关注的作者新文章")
    old = ArticleFactory(
        creator=followed, view_count=0, published_at=timezone.now() - timedelta(days=30)
    )
    follow_create(user=reader, creator=followed)
    mine = [a.pk for a in feed_page(size=5, user=reader).articles]
    assert new.pk in mine and old.pk not in mine
    assert new.pk not in [a.pk for a in feed_page(size=5).articles]


def test_read_hidden_and_muted_items_never_appear(reader):
    crowd = hot_crowd(12)
    muted = CreatorFactory()
    by_muted = ArticleFactory(creator=muted, view_count=90_000)
    follow_create(user=reader, creator=muted)  # muting wins over following
    read(reader, crowd[0], crowd[5])
    FeedHidden.objects.create(user=reader, article=crowd[1])
    FeedMuted.objects.create(user=reader, creator=muted)
    seen = walk(reader, size=4)
    left_out = {crowd[0].pk, crowd[5].pk, crowd[1].pk, by_muted.pk}
    assert not left_out & set(seen)
    assert set(seen) == {a.pk for a in crowd} - left_out
    # Other readers are unaffected.
    assert left_out <= set(walk(UserFactory(), size=4))


def test_at_most_two_per_creator_per_page(reader):
    hot_crowd(10)
    prolific = CreatorFactory()
    for _ in range(5):
        ArticleFactory(creator=prolific, view_count=80_000)
    follow_create(user=reader, creator=prolific)
    page = feed_page(size=6, user=reader).articles
    assert len(page) == 6
    assert sum(a.creator_id == prolific.pk for a in page) == 2


FOOTBALL = [
    "国足世预赛主场迎战日本队，球迷涌入体育场",
    "世预赛前瞻：国足主教练公布大名单",
    "国足球员赛后接受采访谈世预赛失利",
    "国足世预赛客场挑战韩国队，主教练谈战术",
]


def test_articles_close_to_recent_reads_appear(reader):
    crowd = hot_crowd(20)
    football = [ArticleFactory(title=t, summary="", view_count=100) for t in FOOTBALL]
    services.idf_refresh()
    before = [a.pk for a in feed_page(size=5, user=reader).articles]
    assert not {a.pk for a in football} & set(before)
    read(reader, football[0], crowd[3], football[1])
    mine = [a.pk for a in feed_page(size=5, user=reader).articles]
    assert not {football[0].pk, football[1].pk} & set(mine)  # already read
    assert {a.pk for a in football[2:]} <= set(mine)


def test_cursor_pages_have_no_duplicates_or_gaps(reader):
    crowd = hot_crowd(17)
    followed = CreatorFactory()
    theirs = [ArticleFactory(creator=followed, view_count=0)]
    follow_create(user=reader, creator=followed)
    football = [ArticleFactory(title=t, summary="", view_count=3) for t in FOOTBALL]
    services.idf_refresh()
    read(reader, football[0])
    expected = {a.pk for a in crowd + theirs + football[1:]}
    for size in (1, 3, 7, 50):
        seen = walk(reader, size)
        assert len(seen) == len(set(seen)), size
        assert set(seen) == expected, size


def test_anonymous_readers_still_get_the_hot_feed(client):
    crowd = hot_crowd(5)
    assert [a.pk for a in feed_page(size=5, user=AnonymousUser()).articles] == [
        a.pk for a in feed_page(size=5).articles
    ]
    html = client.get("/").content.decode()
    assert all(a.title in html for a in crowd)
    assert client.get("/feed/mine").status_code == 204


def test_personal_feed_query_count_is_bounded(client, reader, django_assert_max_num_queries):
    crowd = hot_crowd(40)
    for _ in range(3):
        follow_create(user=reader, creator=CreatorFactory())
    for creator in {a.creator for a in crowd[:5]}:
        FeedMuted.objects.create(user=reader, creator=creator)
    FeedHidden.objects.create(user=reader, article=crowd[10])
    football = [ArticleFactory(title=t, summary="") for t in FOOTBALL]
    services.idf_refresh()
    read(reader, *football[:2], *crowd[20:30])
    client.force_login(reader)
    with django_assert_max_num_queries(11):
        first = client.get("/feed/mine")
    assert first.status_code == 200 and "不感兴趣" in first.content.decode()
    cursor = first.content.decode().split("/feed/mine?cursor=")[1].split('"')[0]
    with django_assert_max_num_queries(7):  # the closeness list is cached
        assert client.get(f"/feed/mine?cursor={cursor}").status_code == 200
