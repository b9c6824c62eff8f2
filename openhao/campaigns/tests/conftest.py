import pytest

from openhao.articles.services import article_publish
from openhao.articles.tests.factories import ArticleFactory
from openhao.campaigns.leaderboard import board, reset_board


@pytest.fixture(autouse=True)
def fresh_board(settings):
    reset_board()
    b = board()
    if hasattr(b, "client"):
        for key in b.client.scan_iter(f"{b.prefix}:*"):
            b.client.delete(key)
    yield
    reset_board()


def publish(campaign, **kwargs):
    """An article with the campaign's hashtag, published now (through the service)."""
    topics = kwargs.pop("topics", [campaign.topic])
    article = ArticleFactory(status="draft", published_at=None, topics=topics, **kwargs)
    return article_publish(article=article)
