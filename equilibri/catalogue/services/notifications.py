"""Who hears of a service's changes: its provider's operators (or its own address) and the
ATS operators who moderate it."""

from __future__ import annotations

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role
from equilibri.core import mail
from equilibri.network.models import OrganisationRole

from ..models import Service


def provider_emails(service: Service) -> list[str]:
    emails = list(
        OrganisationRole.objects.filter(
            organisation_id=service.organisation_id, role=Role.PROVIDER_OPERATOR
        ).values_list("user__email", flat=True)
    )
    return emails or [e for e in (service.email, service.organisation.email) if e][:1]


def ats_operator_emails(service: Service) -> list[str]:
    return list(
        StaffRole.objects.filter(
            role=Role.ATS_OPERATOR, ats_id=service.organisation.comune.ats_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _notify_moderators(service: Service, template: str, **context) -> None:
    mail.send(
        ats_operator_emails(service),
        f"services/mail/{template}",
        {"org": service.organisation.name, "name": service.name, **context},
    )


def _notify_provider(service: Service, template: str, **context) -> None:
    mail.send(
        provider_emails(service),
        f"services/mail/{template}",
        {"name": service.name, "service_id": service.pk, "service_uuid": service.uuid, **context},
    )
