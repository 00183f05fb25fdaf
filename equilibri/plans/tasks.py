"""Background jobs of the plans app (run by `db_worker`, enqueued by the `scheduler`)."""

from django_tasks import task


@task()
def notify_overdue_reports() -> int:
    """E-mail the leads of monitoring reports not sent by their due date (once per report)."""
    from .monitoring_services import notify_overdue_reports as notify

    return notify()
