"""The contact log: what a desk answered, to whom it referred the citizen, and the follow-ups."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import audit, mail

from ..models import Appointment, Contact, Desk, KnowledgeArticle, Need, Referral


@dataclass(frozen=True)
class ReferralInput:
    kind: str
    label: str
    service_id: int | None = None
    reference_id: int | None = None


@transaction.atomic
def contact_log(
    *,
    desk: Desk,
    by,
    contacted_at: datetime,
    channel: str,
    needs: Sequence[Need],
    answer: str,
    gender: str,
    age_band: str,
    citizen=None,
    citizen_name: str = "",
    citizen_email: str = "",
    employer_organisation=None,
    employer_text: str = "",
    notes: str = "",
    articles: Sequence[KnowledgeArticle] = (),
    referrals: Sequence[ReferralInput] = (),
    follow_up_due: date | None = None,
    appointment: Appointment | None = None,
) -> Contact:
    if not needs:
        raise ValidationError(
            {"needs": _("Scegli almeno un bisogno: serve per le risposte e le statistiche.")}
        )
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Scrivi la risposta data al cittadino.")})
    if contacted_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"contacted_at": _("Il contatto non può essere nel futuro.")})
    if follow_up_due and follow_up_due < timezone.localdate():
        raise ValidationError(
            {"follow_up_due": _("La data per ricontattare non può essere già passata.")}
        )
    if appointment is not None and appointment.desk_id != desk.pk:
        raise ValidationError({"appointment": _("L'appuntamento è di un altro sportello.")})
    contact = Contact(
        desk=desk,
        operator=by,
        contacted_at=contacted_at,
        channel=channel,
        citizen=citizen,
        citizen_name=citizen_name.strip(),
        citizen_email=citizen_email.strip(),
        gender=gender,
        age_band=age_band,
        employer_organisation=employer_organisation,
        employer_text=employer_text.strip(),
        answer=answer.strip(),
        notes=notes.strip(),
        follow_up_due=follow_up_due,
        appointment=appointment,
    )
    contact.full_clean(exclude=["needs", "articles", "operator"])
    contact.save()
    contact.needs.set(needs)
    contact.articles.set(articles)
    for referral in referrals:
        if not referral.label.strip():
            continue
        Referral.objects.create(
            contact=contact,
            kind=referral.kind,
            service_id=referral.service_id,
            reference_id=referral.reference_id,
            label=referral.label.strip()[:200],
        )
    return contact


@transaction.atomic
def contact_follow_up_done(*, contact: Contact, by) -> Contact:
    if contact.follow_up_due is None or contact.follow_up_done_at is not None:
        raise ValidationError(_("Questo contatto non ha un ricontatto in sospeso."))
    contact.follow_up_done_at = timezone.now()
    contact.save(update_fields=["follow_up_done_at"])
    return contact


def notify_due_follow_ups(*, today: date | None = None) -> int:
    """E-mails each operator the contacts to call back today (or overdue), once per contact."""
    today = today or timezone.localdate()
    due = (
        Contact.objects.filter(
            follow_up_due__lte=today,
            follow_up_done_at__isnull=True,
            follow_up_notified_at__isnull=True,
            anonymised_at__isnull=True,
            operator__isnull=False,
        )
        .select_related("operator", "desk")
        .order_by("operator_id", "follow_up_due")
    )
    by_operator: dict = {}
    for contact in due:
        by_operator.setdefault(contact.operator, []).append(contact)
    for operator, contacts in by_operator.items():
        with transaction.atomic():
            ids = [c.pk for c in contacts]
            notified_at = timezone.now()
            Contact.objects.filter(pk__in=ids).update(follow_up_notified_at=notified_at)
            audit.log_bulk(
                Contact, ids, audit.UPDATE, changes={"follow_up_notified_at": (None, notified_at)}
            )
            mail.send(operator, "desks/mail/follow_ups", {"contacts": contacts})
    return sum(len(c) for c in by_operator.values())
