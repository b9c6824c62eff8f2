"""Background work of privacy (Django's Tasks API; see engagement/tasks.py)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def export_build_task(export_id: int) -> bool:
    """Build one 个人信息副本 ZIP."""
    return services.export_build(export_id=export_id)


@task()
def account_deletions_run() -> int:
    """The periodic job: erase the accounts whose cooling-off is over, then delete the export
    ZIPs past their time."""
    erased = services.deletions_run()
    services.exports_expire()
    return erased
