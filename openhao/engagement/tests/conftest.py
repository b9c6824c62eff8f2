import pytest
from django.db import connection


@pytest.fixture
def needs_real_concurrency():
    """Threads writing at once need a server database: SQLite's shared in-memory test database
    answers "table is locked" instead of waiting."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (CI runs the suite on it)")


@pytest.fixture(autouse=True)
def fresh_read_buffer():
    """Every test starts with no pending reads (a private key prefix under Redis)."""
    from openhao.engagement import counters

    counters.reset_read_buffer()
    counters.read_buffer().clear()
    yield counters.read_buffer()
    counters.read_buffer().clear()
    counters.reset_read_buffer()
