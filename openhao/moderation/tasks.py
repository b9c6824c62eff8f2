"""Background work of moderation (Django's Tasks API, see engagement/tasks.py)."""

from __future__ import annotations

from django_tasks import task

from . import content


@task()
def fingerprint_store_task(article_id: int) -> bool:
    """Store the 原创 fingerprint of a published or edited article (drop it when not public)."""
    return content.fingerprint_store(article_id=article_id)


@task()
def reaction_rings_task() -> int:
    """The periodic reaction-ring job (spam rule ``reaction_ring``)."""
    return content.reaction_rings_refresh()
