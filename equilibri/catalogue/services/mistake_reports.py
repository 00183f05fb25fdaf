"""A visitor's report of a mistake in a service page, sent to the ATS operators, and its
handling: the operator replies to the reporter (when they left an address), forwards the report
to the provider, adds notes, and closes it as fixed or rejected. Every step is an entry of the
report's history (with who, when and where an e-mail went) and, being a save, in the audit log.

RULES: only the operators who moderate the service's ATS handle its reports; a reply needs the
reporter's address; a closed report (fixed, rejected) is reopened only by a state change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import mail

from .. import selectors
from ..models import MistakeReport, MistakeReportEntry, Service
from .notifications import ats_operator_emails, provider_emails

ReportState = MistakeReport.State
EntryKind = MistakeReportEntry.Kind


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


def _locked(report: MistakeReport, by) -> MistakeReport:
    """The report, locked, once `by` is known to handle it."""
    if not selectors.mistake_reports_handled_by(by).filter(pk=report.pk).exists():
        raise PermissionDenied
    return (
        MistakeReport.objects.select_for_update(of=("self",))
        .select_related("service__organisation")
        .get(pk=report.pk)
    )


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Scrivi %(what)s.") % {"what": what}})
    return text


def _set_state(report: MistakeReport, state: str, by) -> None:
    report.state = state
    closed = state in (ReportState.FIXED, ReportState.REJECTED)
    report.handled_at = timezone.now() if closed else None
    report.handled_by = by if closed else None
    report.save(update_fields=["state", "handled_at", "handled_by"])


def _entry(report: MistakeReport, by, kind: str, text: str, recipients=()) -> MistakeReportEntry:
    return MistakeReportEntry.objects.create(
        report=report,
        by=by,
        kind=kind,
        text=text,
        state=report.state,
        recipients=", ".join(recipients),
    )


@transaction.atomic
def mistake_report_note(*, report: MistakeReport, by, text: str) -> MistakeReportEntry:
    report = _locked(report, by)
    return _entry(report, by, EntryKind.NOTE, _text(text, _("la nota")))


@transaction.atomic
def mistake_report_reply(*, report: MistakeReport, by, text: str) -> MistakeReportEntry:
    """An e-mail to whoever reported the mistake, with the operator's answer."""
    report = _locked(report, by)
    if not report.email:
        raise ValidationError(
            _("Chi ha segnalato non ha lasciato un indirizzo e-mail: non si può rispondere."),
            code="no_email",
        )
    text = _text(text, _("la risposta"))
    mail.send(
        [report.email],
        "services/mail/mistake_report_reply",
        {"name": report.service.name, "message": report.message, "reply": text},
    )
    return _entry(report, by, EntryKind.REPLY, text, [report.email])


@transaction.atomic
def mistake_report_forward(*, report: MistakeReport, by, text: str = "") -> MistakeReportEntry:
    """The report sent to the provider's contacts (its operators, or the service's or the
    organisation's address), to correct the page; the report is then "forwarded"."""
    report = _locked(report, by)
    recipients = provider_emails(report.service)
    if not recipients:
        raise ValidationError(
            _("L'ente non ha operatori né un indirizzo e-mail: non si può inoltrare."),
            code="no_provider_email",
        )
    text = (text or "").strip()
    mail.send(
        recipients,
        "services/mail/mistake_report_forward",
        {
            "name": report.service.name,
            "service_id": report.service.pk,
            "message": report.message,
            "note": text,
        },
        reply_to=by.email or None,
    )
    if report.state == ReportState.NEW:
        _set_state(report, ReportState.FORWARDED, None)
    return _entry(report, by, EntryKind.FORWARD, text, recipients)


@transaction.atomic
def mistake_report_set_state(
    *, report: MistakeReport, by, state: str, text: str = ""
) -> MistakeReport:
    report = _locked(report, by)
    if state not in ReportState.values:
        raise ValidationError({"state": _("Scegli uno stato della segnalazione.")})
    if state == report.state:
        raise ValidationError(
            {
                "state": _("La segnalazione è già «%(state)s».")
                % {"state": report.get_state_display()}
            }
        )
    _set_state(report, state, by)
    _entry(report, by, EntryKind.STATE, (text or "").strip())
    return report
