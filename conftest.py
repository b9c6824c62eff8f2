import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty page and fragment cache (a private prefix under Redis) and
    no counted-event budget used (openhao/common/budget.py)."""
    from openhao.common import budget

    cache.clear()
    budget.reset_local()
    yield
    cache.clear()
    budget.reset_local()


@pytest.fixture(autouse=True)
def _article_clock():
    """ArticleFactory dates article n of a test n + 1 minutes back. Counting from each test's
    start keeps "just published" true however many tests ran before (over a whole run the
    count reached 14 hours, which ranked a followed creator's new article below the crowd)."""
    from openhao.articles.tests.factories import ArticleFactory

    ArticleFactory.reset_sequence()


@pytest.fixture
def fresh_read_buffer():
    """No pending reads before or after the test (a private key prefix under Redis)."""
    from openhao.engagement import counters

    counters.reset_read_buffer()
    counters.read_buffer().clear()
    yield counters.read_buffer()
    counters.read_buffer().clear()
    counters.reset_read_buffer()
