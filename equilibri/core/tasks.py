"""Housekeeping: expired sessions and old failed-login records."""

from datetime import timedelta

from django.core import management
from django.utils import timezone
from django_tasks import task


@task()
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@task()
def prune_login_attempts(days: int = 30) -> int:
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    deleted_log, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted + deleted_log
