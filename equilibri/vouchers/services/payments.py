"""Payment batches: every approved application of a scheme in one bank order, then paid
(in full or in part); the paid totals feed the action's monitoring indicators."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.core import identifiers
from equilibri.plans.models import Action

from .. import selectors
from ..models import Payment, PaymentBatch, Scheme, VoucherApplication
from .budget import release
from .checks import field_error
from .permissions import require_manager
from .transitions import change_state, locked

AppState = VoucherApplication.State


@transaction.atomic
def batch_create(*, scheme: Scheme, title: str, by) -> PaymentBatch:
    """A batch with every approved application of the scheme not yet in a batch."""
    require_manager(scheme, by)
    if not title.strip():
        raise field_error("title", _("Dai un titolo al lotto, ad esempio «Rimborsi di novembre»."))
    ready_qs = (
        VoucherApplication.objects.select_for_update(of=("self",))
        .filter(
            scheme=scheme,
            state__in=[AppState.APPROVED, AppState.PARTLY_APPROVED],
            payment__isnull=True,
        )
        .order_by("submitted_at", "pk")
    )
    ready = list(ready_qs)
    if not ready:
        raise ValidationError(_("Nessuna domanda approvata da pagare."))
    invalid = [a for a in ready if not identifiers.is_iban(a.iban)]
    if invalid:
        raise ValidationError(
            _("IBAN non valido nelle domande: %(list)s. Chiedi un'integrazione prima di pagarle.")
            % {"list": ", ".join(f"n. {a.pk}" for a in invalid)}
        )
    batch = PaymentBatch.objects.create(scheme=scheme, title=title.strip(), created_by=by)
    for application in ready:
        Payment.objects.create(
            batch=batch,
            application=application,
            amount=application.approved_amount,
            iban=identifiers.normalise_iban(application.iban),
            payee=application.full_name,
        )
    return batch


@transaction.atomic
def batch_mark_paid(
    *,
    batch: PaymentBatch,
    paid_on: datetime.date,
    by,
    amounts: dict[int, Decimal] | None = None,
) -> PaymentBatch:
    """The bank paid the batch on `paid_on`: every application is paid (with `amounts[pk]`
    when less than approved: the difference goes back to the budget and the queue moves up).
    The paid totals then feed the action's monitoring indicators."""
    require_manager(batch.scheme, by)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != PaymentBatch.State.OPEN:
        raise ValidationError(_("Il lotto è già stato pagato."))
    if paid_on > timezone.localdate():
        raise field_error("paid_on", _("La data del pagamento non può essere nel futuro."))
    amounts = amounts or {}
    released = Decimal("0")
    for payment in batch.payments.select_related("application"):
        application = locked(payment.application)
        paid = amounts.get(application.pk, payment.amount)
        if paid > payment.amount or paid < 0:
            raise ValidationError(
                _("Il pagamento della domanda n. %(n)s non può superare l'importo approvato.")
                % {"n": application.pk}
            )
        if paid != payment.amount:
            payment.amount = paid
            payment.save(update_fields=["amount"])
        released += application.approved_amount - paid
        application.paid_amount = paid
        application.paid_on = paid_on
        change_state(
            application,
            AppState.PAID,
            by,
            _("Rimborso di %(amount)s € pagato il %(date)s.")
            % {"amount": paid, "date": date_format(paid_on, "SHORT_DATE_FORMAT")},
        )
    batch.state = PaymentBatch.State.PAID
    batch.paid_on = paid_on
    batch.save(update_fields=["state", "paid_on"])
    release(batch.scheme_id, released, by)
    from equilibri.plans.services import indicator_feeds_refresh

    indicator_feeds_refresh(project=batch.scheme.action.project, on=paid_on)
    return batch


def indicator_feed(action: Action, start: datetime.date, end: datetime.date) -> dict | None:
    """For plans.services: what the action's voucher schemes paid in the period (None when the
    action has no scheme)."""
    if not Scheme.objects.filter(action=action).exists():
        return None
    return selectors.paid_totals(action.pk, start, end)
