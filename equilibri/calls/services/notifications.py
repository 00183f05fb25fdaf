"""Who hears of an application's steps, and the e-mail itself (sent when the transaction
commits, by equilibri.core.mail)."""

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role
from equilibri.core import mail
from equilibri.network.models import Organisation, OrganisationRole

from ..models import Application


def send_mail(recipients: list[str], template: str, **context) -> None:
    mail.send(recipients, f"calls/mail/{template}", context)


def _org_admin_emails(organisation_id: int) -> list[str]:
    return list(
        OrganisationRole.objects.filter(
            organisation_id=organisation_id, role=Role.ORG_ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def applicant_emails(application: Application) -> list[str]:
    """The person who applies and, for an organisation's application, its administrators."""
    emails = [application.applicant.email] if application.applicant.is_active else []
    if application.lead_id:
        emails += _org_admin_emails(application.lead_id)
    return emails


def org_admin_emails(organisation: Organisation) -> list[str]:
    return _org_admin_emails(organisation.pk)


def ats_staff_emails(ats_id: int, role: Role) -> list[str]:
    return list(
        StaffRole.objects.filter(ats_id=ats_id, role=role, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
