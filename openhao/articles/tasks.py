"""Background work through Django's Tasks API (the django-tasks backport)."""

from django_tasks import task


@task()
def publish_due_articles() -> int:
    """Publish scheduled articles whose time has come (enqueued with run_after by
    services._schedule; the `publish_scheduled` command runs the same from cron)."""
    from .services import articles_publish_due

    return articles_publish_due()


@task()
def purge_trash() -> int:
    """Delete for good what has been in the 回收站 longer than OPENHAO_TRASH_DAYS (run by
    `manage.py periodic`)."""
    from .services import articles_purge_trash

    return articles_purge_trash()


@task()
def make_renditions(image_id: int) -> dict:
    """Resized copies of an uploaded image, 640 and 1280 pixels wide, as WebP and JPEG."""
    from .services import image_make_renditions

    return image_make_renditions(image_id=image_id)
