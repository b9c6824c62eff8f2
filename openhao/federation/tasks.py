"""Federation's background work: every request to another server runs here, in the task
worker, never in a page request (docs/federation.md, "Delivery")."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def federate_article_task(article_id: int) -> str:
    return services.article_federate(article_id=article_id)


@task()
def deliver_task(inbox: str, activity: dict, signer: str, attempt: int = 1) -> bool:
    can_defer = deliver_task.get_backend().supports_defer
    return services.delivery_attempt(
        inbox=inbox, activity=activity, signer=signer, attempt=attempt, can_defer=can_defer
    )
