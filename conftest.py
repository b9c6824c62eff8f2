import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty page and fragment cache (a private prefix under Redis)."""
    cache.clear()
    yield
    cache.clear()
