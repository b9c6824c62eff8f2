import pytest
from django.db import connection


@pytest.fixture
def needs_real_concurrency():
    """Threads writing at once need a server database: SQLite's shared in-memory test database
    answers "table is locked" instead of waiting."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (CI runs the suite on it)")


@pytest.fixture(autouse=True)
def _no_pending_reads(fresh_read_buffer):
    """Every engagement test starts with no pending reads (fixture in the root conftest)."""
    return fresh_read_buffer
