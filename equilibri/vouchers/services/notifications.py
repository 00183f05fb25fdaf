"""E-mails: to the applicant when the state changes or additions are due tomorrow, to the
employer's admins when an attestation is needed. Enqueued on the background queue after
commit (core.mail)."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from equilibri.accounts.roles import Role
from equilibri.core import mail
from equilibri.network.models import OrganisationRole

from ..models import VoucherApplication

AppState = VoucherApplication.State


def notify_state(application: VoucherApplication, note: str) -> None:
    if application.applicant is None:
        return
    mail.send(
        application.applicant,
        "vouchers/mail/state_changed",
        {
            "scheme": application.scheme.title,
            "state": VoucherApplication.State(application.state).label,
            "number": application.pk,
            "note": note,
        },
    )


def notify_employer(application: VoucherApplication) -> None:
    if application.employer_id is None:
        return
    admins = OrganisationRole.objects.filter(
        organisation_id=application.employer_id, role=Role.ORG_ADMIN
    ).select_related("user")
    mail.send(
        [role.user for role in admins],
        "vouchers/mail/attestation_requested",
        {
            "name": application.full_name,
            "scheme": application.scheme.title,
            "employer": application.employer,
            "number": application.pk,
        },
    )


def integration_reminders_send() -> int:
    """The day before an additions deadline, a reminder to each applicant who has not sent them
    yet (run daily by the scheduler). Returns how many were sent."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    due = VoucherApplication.objects.filter(
        state=AppState.INTEGRATION_REQUESTED, integration_deadline=tomorrow, applicant__isnull=False
    ).select_related("scheme", "applicant")
    sent = 0
    for application in due:
        assert application.applicant is not None  # filtered above
        mail.send(
            application.applicant,
            "vouchers/mail/integration_reminder",
            {
                "number": application.pk,
                "scheme": application.scheme.title,
                "date": date_format(tomorrow, "SHORT_DATE_FORMAT"),
                "message": application.integration_message,
            },
        )
        sent += 1
    return sent
