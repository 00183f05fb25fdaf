"""Background jobs of the vouchers app (run by `db_worker`)."""

from django_tasks import task


@task()
def send_notification(subject: str, body: str, recipients: list[str]) -> int:
    """One e-mail about an application's state, sent by the worker after the change committed."""
    from django.core.mail import send_mail

    return send_mail(subject, body, None, recipients)


@task()
def anonymise_expired_applications() -> int:
    from .services import anonymise_expired

    return anonymise_expired()


@task()
def send_integration_reminders() -> int:
    from .services import integration_reminders_send

    return integration_reminders_send()
