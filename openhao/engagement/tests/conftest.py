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


@pytest.fixture
def race(needs_real_concurrency):
    """``race(fn)`` starts ``fn`` in four threads released at the same moment, each on its own
    database connection, and returns (results, errors)."""
    import threading

    def run(fn, threads: int = 4):
        barrier = threading.Barrier(threads)
        results, errors = [], []

        def worker():
            try:
                barrier.wait()
                results.append(fn())
            except Exception as exc:  # noqa: BLE001 (returned to the test)
                errors.append(exc)
            finally:
                connection.close()

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return results, errors

    return run
