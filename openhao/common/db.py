"""Database idioms that the apps' services share."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction


def insert_once(model: type[models.Model], **fields) -> bool:
    """Insert one row; False when a unique constraint says it exists already. The insert runs
    under a savepoint, so the caller's transaction survives the duplicate, and the database's
    constraint decides rather than a check in Python, so concurrent calls insert it once."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True
