"""Background jobs of the vouchers app (run by `db_worker`)."""

from django_tasks import task


@task()
def anonymise_expired_applications() -> int:
    from .services import anonymise_expired

    return anonymise_expired()


@task()
def send_integration_reminders() -> int:
    from .services import integration_reminders_send

    return integration_reminders_send()
