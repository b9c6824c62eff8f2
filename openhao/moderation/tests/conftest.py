import pytest
from django.core.cache import cache

# The people and the channel of the creators' tests: the decisions are about their
# applications and articles.
from openhao.creators.tests.conftest import (  # noqa: F401
    channel,
    creator,
    reader,
    staff,
    trusted_creator,
)
from openhao.moderation import content, wordfilter


@pytest.fixture(autouse=True)
def _fresh_word_filter():
    """Each test starts (and leaves) without a cached list version or automaton: the database
    is rolled back between tests, so a version string could come back with other words."""
    cache.delete(content.VERSION_KEY)
    wordfilter.reset_shared_filter()
    yield
    cache.delete(content.VERSION_KEY)
    wordfilter.reset_shared_filter()
