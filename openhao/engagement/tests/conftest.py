import pytest
from django.db import connection


@pytest.fixture
def needs_real_concurrency():
    """Threads writing at once need a server database: SQLite's shared in-memory test database
    answers "table is locked" instead of waiting."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (CI runs the suite on it)")
