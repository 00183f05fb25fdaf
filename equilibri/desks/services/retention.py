"""Retention: personal details of contacts and appointments are erased, with a queryset update
and a bulk audit entry naming the rows and fields, never the erased values."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import audit

from ..models import Appointment, Contact
from .config import retention_months


def _log_erasure(model: type[Model], ids: list[int], fields: Iterable[str]) -> None:
    """The audit entry of an erasure: the rows and the fields erased, never their values."""
    audit.log_bulk(
        model,
        ids,
        audit.UPDATE,
        fields=[*fields, "anonymised_at"],
        data={"reason": "anonymisation"},
    )


def anonymise_appointments(appointments: QuerySet[Appointment], now: datetime) -> int:
    """Erases the personal details of `appointments` with a queryset update, as for contacts
    (anonymise_old_contacts): a save's audit entry would keep the erased values as the change's
    "before". The audit log names the rows and fields erased instead."""
    ids = list(appointments.values_list("pk", flat=True))
    erased = {
        "user": None,
        "name": "",
        "email": "",
        "phone": "",
        "topic": "",
        "link_nonce": "",
        "requester_ip": None,
    }
    _log_erasure(Appointment, ids, erased)
    return Appointment.objects.filter(pk__in=ids).update(**erased, anonymised_at=now)


def anonymise_old_contacts(*, now: datetime | None = None) -> int:
    """Retention: after DESK_CONTACT_RETENTION_MONTHS the contacts and appointments lose every
    personal detail; need, channel, gender, age band and referrals stay for the statistics."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(retention_months() * 30.44))
    with transaction.atomic():
        contacts = Contact.objects.filter(contacted_at__lt=cutoff, anonymised_at__isnull=True)
        # A queryset update, not saves: a save's audit entry would keep the erased values as the
        # change's "before". The audit log names the rows and fields erased instead.
        ids = list(contacts.select_for_update().values_list("pk", flat=True))
        fields = ["citizen", "citizen_name", "citizen_email", "employer_text", "notes", "answer"]
        _log_erasure(Contact, ids, fields)
        count = contacts.update(
            citizen=None,
            citizen_name="",
            citizen_email="",
            employer_text="",
            notes="",
            answer=_("[anonimizzato]"),
            anonymised_at=now,
        )
        anonymise_appointments(
            Appointment.objects.filter(slot__starts_at__lt=cutoff, anonymised_at__isnull=True),
            now,
        )
    return count
