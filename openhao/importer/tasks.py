"""Feed polling through the Tasks API: the scheduler (``manage.py periodic``, job
``poll_feeds``) runs ``feeds_poll_due``, which claims the due feeds and queues one
``feed_poll_task`` each, so a worker backend spreads the downloads over the workers."""

from django_tasks import task


@task()
def feeds_poll_due() -> int:
    from .services import feeds_claim_due

    ids = feeds_claim_due()
    for pk in ids:
        feed_poll_task.enqueue(pk)
    return len(ids)


@task()
def feed_poll_task(subscription_id: int) -> int | None:
    from .services import feed_poll

    run = feed_poll(subscription_id=subscription_id)
    return run.pk if run else None
