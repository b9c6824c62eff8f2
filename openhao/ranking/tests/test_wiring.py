"""Other apps keep ranking and search in step: engagement moves the hot score, a creator's edit
in the studio reaches search and 相关推荐."""

import pytest

from openhao.articles.services import article_update
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters, services
from openhao.moderation.roles import REVIEWER, role_group
from openhao.ranking.models import ArticleScore
from openhao.search.selectors import search_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_read_buffer")]


def hot(article) -> float:
    return ArticleScore.objects.get(article=article).hot


def test_likes_comments_shares_and_flushed_reads_raise_the_hot_score():
    article = ArticleFactory(view_count=0, like_count=0)
    scores = [hot(article)]
    services.like_set(user=UserFactory(), article=article, liked=True)
    scores.append(hot(article))
    services.comment_create(user=UserFactory(), article=article, body="好文章")
    scores.append(hot(article))
    services.share_record(article=article, channel="qq")
    scores.append(hot(article))
    for visitor in ("a", "b", "c", "d"):
        counters.read_record(article_id=article.pk, visitor=visitor)
    counters.flush_reads()
    scores.append(hot(article))
    assert scores == sorted(scores) and len(set(scores)) == len(scores), scores


def test_a_studio_edit_reaches_search():
    # A creator past 先审后发, so the edit stays published.
    article = ArticleFactory(title="春天的江南小城", creator__approved_article_count=10)
    assert article.pk not in search_ids("敦煌壁画")
    article_update(
        article=article,
        channel=article.channel,
        title="敦煌壁画里的飞天",
        body_html="<p>莫高窟的壁画讲述了一千年的故事，飞天的衣带在墙上飘了上千年。</p>",
    )
    assert article.pk in search_ids("敦煌壁画")


def test_an_edit_under_review_keeps_the_published_version_in_search():
    """The published version stays online (and findable) while an edit waits for review; the
    index follows the edit once staff approve it."""
    from openhao.moderation.services import article_approve

    article = ArticleFactory(title="敦煌壁画里的飞天", creator__approved_article_count=0)
    assert article.pk in search_ids("敦煌壁画")
    article_update(
        article=article,
        channel=article.channel,
        title="莫高窟的九色鹿",
        body_html="<p>改过的正文，等待审核。</p>",
    )
    assert article.pk in search_ids("敦煌壁画")
    assert article.pk not in search_ids("九色鹿")
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group(REVIEWER))
    article_approve(article=article, staff=editor)
    assert article.pk in search_ids("九色鹿")
    assert article.pk not in search_ids("敦煌壁画")
