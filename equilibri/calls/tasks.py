"""Background jobs of the calls (run by `db_worker`, enqueued by the `scheduler`)."""

from django_tasks import task


@task()
def send_call_reminders() -> int:
    """E-mails before deadlines: calls closing, integrations due, final reports due."""
    from .services import send_reminders

    return send_reminders()
