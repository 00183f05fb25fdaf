"""A visitor's report of a mistake in a service page, sent to the ATS operators, and its
handling."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import mail

from .. import selectors
from ..models import MistakeReport, Service
from .notifications import ats_operator_emails


@transaction.atomic
def mistake_report_create(*, service: Service, message: str, email: str = "", by=None):
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Scrivi che cosa non è corretto.")})
    report = MistakeReport.objects.create(service=service, message=message[:2000], email=email)
    mail.send(
        ats_operator_emails(service),
        "services/mail/mistake_report",
        {"name": service.name, "message": report.message, "email": email},
        reply_to=email or None,
    )
    return report


@transaction.atomic
def mistake_report_handle(*, report: MistakeReport, by) -> MistakeReport:
    if not selectors.mistake_reports_handled_by(by).filter(pk=report.pk).exists():
        raise PermissionDenied
    report.handled_at = timezone.now()
    report.handled_by = by
    report.save(update_fields=["handled_at", "handled_by"])
    return report
