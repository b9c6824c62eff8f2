from datetime import timedelta

import pytest

from openhao.campaigns.models import Entry
from openhao.campaigns.scoring import score_of, scores_apply
from openhao.campaigns.selectors import leaderboard, leaderboard_ids
from openhao.campaigns.services import leaderboard_rebuild
from openhao.common import hooks
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import services as engagement
from openhao.engagement.counters import apply_increments
from openhao.engagement.hooks import Event

from .conftest import publish
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory()


def test_weights_follow_the_hot_score():
    assert score_of({"reads": 10, "likes": 2, "comments": 1, "shares": 1}) == 10 + 8 + 8 + 12
    assert score_of({"reads": 10**6}) == 100_000  # the hot score's cap


def test_likes_comments_shares_and_reads_score(campaign):
    readers = [UserFactory() for _ in range(3)]
    entry_article = publish(campaign)
    for r in readers:
        engagement.like_set(user=r, article=entry_article, liked=True)
    engagement.comment_create(user=readers[0], article=entry_article, body="写得好")
    engagement.share_record(article=entry_article, channel="weibo")
    apply_increments({entry_article.pk: 5})
    entry = Entry.objects.get(article=entry_article)
    assert (entry.likes, entry.comments, entry.shares, entry.reads) == (3, 1, 1, 5)
    assert entry.score == 3 * 4 + 8 + 12 + 5
    engagement.like_set(user=readers[0], article=entry_article, liked=False)
    entry.refresh_from_db()
    assert entry.likes == 2 and entry.score == 2 * 4 + 8 + 12 + 5


def test_the_authors_own_engagement_does_not_count(campaign):
    article = publish(campaign)
    author = article.creator.user
    engagement.comment_create(user=author, article=article, body="自己顶一下")
    scores_apply([Event(article.pk, None, "read", 2), Event(article.pk, author.pk, "read_by", 1)])
    entry = Entry.objects.get(article=article)
    assert (entry.comments, entry.reads, entry.score) == (0, 1, 1)


def test_flagged_accounts_do_not_count(campaign):
    good, bad = UserFactory(), UserFactory()
    article = publish(campaign)

    def flagged(*, user_ids):
        return {bad.pk} & set(user_ids)

    hooks.accounts_flagged.connect(flagged)
    try:
        engagement.like_set(user=good, article=article, liked=True)
        engagement.like_set(user=bad, article=article, liked=True)
    finally:
        hooks.accounts_flagged._listeners.remove(flagged)
    assert Entry.objects.get(article=article).likes == 1


def test_accounts_created_after_the_entry_do_not_count(campaign):
    article = publish(campaign)
    fresh = UserFactory()
    fresh.date_joined = article.published_at + timedelta(seconds=1)
    fresh.save()
    engagement.like_set(user=fresh, article=article, liked=True)
    assert Entry.objects.get(article=article).likes == 0


def test_engagement_after_the_end_does_not_count(campaign):
    article = publish(campaign)
    scores_apply([Event(article.pk, None, "share", 1)], now=campaign.ends_at + timedelta(1))
    assert Entry.objects.get(article=article).score == 0


def test_leaderboard_equals_a_recomputation_from_the_database(campaign):
    articles = [publish(campaign) for _ in range(6)]
    events = []
    for i, a in enumerate(articles):
        events += [Event(a.pk, None, "read", i * 3), Event(a.pk, None, "share", i % 2)]
    events.append(Event(articles[0].pk, None, "read", 15))  # ties with another entry
    scores_apply(events)
    expected = [
        (
            e.pk,
            score_of(
                {"reads": e.reads, "likes": e.likes, "comments": e.comments, "shares": e.shares}
            ),
        )
        for e in Entry.objects.filter(campaign=campaign)
    ]
    expected.sort(key=lambda row: (-row[1], row[0]))
    assert leaderboard_ids(campaign) == expected
    assert [(r.entry_id, r.score) for r in leaderboard(campaign)] == expected
    leaderboard_rebuild(campaign=campaign)
    assert leaderboard_ids(campaign) == expected


def test_rebuild_leaderboard_command(campaign):
    from django.core.management import call_command

    a = publish(campaign)
    scores_apply([Event(a.pk, None, "share", 2)])
    call_command("rebuild_leaderboard", campaign=campaign.slug)
    assert leaderboard_ids(campaign) == [(Entry.objects.get(article=a).pk, 24)]


def test_a_batch_scores_as_its_events_one_by_one(campaign):
    """Identical events are counted together and the exclusions are decided per distinct
    event: the batch must end where applying its events one at a time ends."""
    reader, bad, fresh = UserFactory(), UserFactory(), UserFactory()
    articles = [publish(campaign) for _ in range(3)]
    fresh.date_joined = articles[0].published_at + timedelta(seconds=1)
    fresh.save()
    author = articles[0].creator.user
    events = []
    for a in articles:
        events += [Event(a.pk, None, "read", 1)] * 7 + [Event(a.pk, None, "share", 1)] * 2
        for user in (reader, bad, fresh, author):
            events += [Event(a.pk, user.pk, "like", 1)] * 2 + [Event(a.pk, user.pk, "comment", 1)]
    for a in articles:  # taken back after they were counted: no counter goes below 0
        for user in (reader, bad, fresh, author):
            events += [Event(a.pk, user.pk, "read_by", 1)] * 2 + [Event(a.pk, user.pk, "like", -1)]
        events.append(Event(a.pk, None, "read_by", 1))  # nobody: changes nothing
    events.append(Event(articles[1].pk, reader.pk, "bookmark", 1))  # not a scored kind

    def flagged(*, user_ids):
        return {bad.pk} & set(user_ids)

    def state():
        return list(
            Entry.objects.order_by("pk").values_list(
                "pk", "reads", "likes", "comments", "shares", "score"
            )
        )

    hooks.accounts_flagged.connect(flagged)
    try:
        applied = scores_apply(events)
        batch, batch_board = state(), leaderboard_ids(campaign)
        Entry.objects.update(reads=0, likes=0, comments=0, shares=0, score=0)
        leaderboard_rebuild(campaign=campaign)
        one_by_one = sum(scores_apply([e]) for e in events)
    finally:
        hooks.accounts_flagged._listeners.remove(flagged)
    assert applied == one_by_one
    assert batch == state()
    assert batch_board == leaderboard_ids(campaign)
    # The author, the flagged and the fresh account count nothing (their reads are taken
    # back); the reader's reads were already counted (read_by changes nothing for them).
    assert batch[0][1:] == (1, 1, 1, 2, 1 + 4 + 8 + 24)
