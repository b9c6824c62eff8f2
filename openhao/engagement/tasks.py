"""Background work through Django's Tasks API (the django-tasks backport). With the default
immediate backend a task runs inline when enqueued; with a worker backend (e.g. django-tasks-db,
see docs/engagement.md) it runs in the worker, outside the request. Arguments are ids: tasks
must be serialisable and read fresh rows."""

from __future__ import annotations

from django_tasks import task

from . import counters, services


@task()
def flush_reads_task() -> int:
    """Move buffered read counts into the database (schedule it every minute or so)."""
    return counters.flush_reads()


@task()
def notify_followers_task(article_id: int) -> int:
    """Tell every follower of the article's creator that it was published."""
    return services.notifications_for_article(article_id=article_id)


@task()
def notify_reply_task(comment_id: int) -> bool:
    return services.notification_for_reply(comment_id=comment_id)


@task()
def notify_vote_task(comment_id: int) -> bool:
    return services.notification_for_vote(comment_id=comment_id)


@task()
def notify_mentions_task(comment_id: int) -> int:
    return services.notifications_for_mentions(comment_id=comment_id)
