"""E-mails before deadlines (the daily job in tasks.py): each is sent once."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from ..models import Application, Call
from .notifications import applicant_emails, send_mail

CLOSING_REMINDER_DAYS = 3
INTEGRATION_REMINDER_DAYS = 2
REPORT_REMINDER_DAYS = 14


def _remind(
    application: Application, template: str, sent_field: str, now: datetime.datetime, **context
) -> None:
    """E-mails the applicant about one deadline, and marks it sent so that it goes once."""
    send_mail(applicant_emails(application), template, id=application.public_id, **context)
    setattr(application, sent_field, now)
    application.save(update_fields=[sent_field])


def send_reminders(now: datetime.datetime | None = None) -> int:
    """E-mails before deadlines, once each: the call closing (to leads of drafts), an
    integration's deadline, the final report's due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    with transaction.atomic():
        closing = Call.objects.select_for_update(of=("self",)).filter(
            state=Call.State.PUBLISHED,
            closing_reminder_sent_at__isnull=True,
            closes_at__gt=now,
            closes_at__lte=now + datetime.timedelta(days=CLOSING_REMINDER_DAYS),
        )
        for call in closing:
            for application in call.applications.filter(
                state=Application.State.DRAFT
            ).select_related("applicant", "call"):
                send_mail(
                    applicant_emails(application),
                    "closing_reminder",
                    call=call.title,
                    date=date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT"),
                    id=application.public_id,
                )
                sent += 1
            call.closing_reminder_sent_at = now
            call.save(update_fields=["closing_reminder_sent_at"])
        integrations = Application.objects.select_for_update(of=("self",)).filter(
            integration_deadline__isnull=False,
            integration_reminder_sent_at__isnull=True,
            integration_response="",
            integration_deadline__gte=today,
            integration_deadline__lte=today + datetime.timedelta(days=INTEGRATION_REMINDER_DAYS),
        )
        for application in integrations.select_related("applicant"):
            _remind(
                application,
                "integration_reminder",
                "integration_reminder_sent_at",
                now,
                date=date_format(application.integration_deadline or today, "SHORT_DATE_FORMAT"),
                text=application.integration_request,
            )
            sent += 1
        reports = Application.objects.select_for_update(of=("self",)).filter(
            state=Application.State.FUNDED,
            final_grant__isnull=True,
            report_due__isnull=False,
            report_reminder_sent_at__isnull=True,
            report_due__lte=today + datetime.timedelta(days=REPORT_REMINDER_DAYS),
        )
        for application in reports.select_related("applicant"):
            _remind(
                application,
                "report_reminder",
                "report_reminder_sent_at",
                now,
                date=date_format(application.report_due or today, "SHORT_DATE_FORMAT"),
            )
            sent += 1
    return sent
