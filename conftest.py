import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty page and fragment cache (a private prefix under Redis)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fresh_read_buffer():
    """No pending reads before or after the test (a private key prefix under Redis)."""
    from openhao.engagement import counters

    counters.reset_read_buffer()
    counters.read_buffer().clear()
    yield counters.read_buffer()
    counters.read_buffer().clear()
    counters.reset_read_buffer()
