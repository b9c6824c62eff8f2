"""Background work of campaigns (Django's Tasks API)."""

from django_tasks import task


@task()
def creator_index_nightly() -> int:
    """Every creator's index, level and computed badges (run daily by ``manage.py periodic``)."""
    from .creator_index import creator_index_refresh

    return creator_index_refresh()
