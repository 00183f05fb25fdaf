"""Payment batches: every approved application of a scheme in one bank order, then paid
(in full or in part); the paid totals feed the action's monitoring indicators."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from equilibri.core import identifiers
from equilibri.plans.models import Action

from .. import selectors
from ..models import Payment, PaymentBatch, Scheme, VoucherApplication
from .budget import release
from .checks import field_error
from .permissions import require_manager
from .transitions import change_state, locked

AppState = VoucherApplication.State
PAYABLE = (AppState.APPROVED, AppState.PARTLY_APPROVED)


def iban_compact(value: str) -> str | None:
    """The IBAN checked (country format and check digits) by schwifty, in its compact form;
    None when it is not a valid IBAN."""
    try:
        return IBAN(value).compact
    except SchwiftyException:
        return None


def ready_to_pay(scheme: Scheme):
    """The approved applications of the scheme not yet in a batch, in order of submission."""
    return VoucherApplication.objects.filter(
        scheme=scheme, state__in=PAYABLE, payment__isnull=True
    ).order_by("submitted_at", "pk")


def payment_warnings(scheme: Scheme, focus: Iterable[VoucherApplication]) -> list[str]:
    """Warnings on the applications of `focus` (a batch's, or those about to be put in one): an
    IBAN or a codice fiscale shared with another application of the scheme that is paid, in a
    batch or ready to pay. Two people reimbursed on one account, or one person twice, may be
    right (a couple's joint account) but must be looked at before the bank order leaves."""
    focus_ids = {application.pk for application in focus}
    if not focus_ids:
        return []
    others = VoucherApplication.objects.filter(scheme=scheme).filter(
        Q(state__in=(*PAYABLE, AppState.PAID)) | Q(payment__isnull=False)
    )
    by_iban: dict[str, set[int]] = defaultdict(set)
    by_code: dict[str, set[int]] = defaultdict(set)
    for pk, iban, code in others.values_list("pk", "iban", "fiscal_code").order_by("pk"):
        if iban:
            by_iban[iban_compact(iban) or identifiers.normalise_iban(iban)].add(pk)
        if code:
            by_code[code.upper()].add(pk)
    warnings = []
    for iban, ids in sorted(by_iban.items()):
        if len(ids) > 1 and ids & focus_ids:
            warnings.append(
                _("Lo stesso IBAN %(iban)s è indicato in %(count)s domande: %(list)s.")
                % {"iban": iban, "count": len(ids), "list": _numbers(ids)}
            )
    for code, ids in sorted(by_code.items()):
        if len(ids) > 1 and ids & focus_ids:
            warnings.append(
                _(
                    "Lo stesso codice fiscale %(code)s ha %(count)s domande pagate o da pagare: "
                    "%(list)s."
                )
                % {"code": code, "count": len(ids), "list": _numbers(ids)}
            )
    return warnings


def _numbers(ids: set[int]) -> str:
    return ", ".join(f"n. {pk}" for pk in sorted(ids))


@transaction.atomic
def batch_create(*, scheme: Scheme, title: str, by) -> PaymentBatch:
    """A batch with every approved application of the scheme not yet in a batch."""
    require_manager(scheme, by)
    if not title.strip():
        raise field_error("title", _("Dai un titolo al lotto, ad esempio «Rimborsi di novembre»."))
    ready = list(ready_to_pay(scheme).select_for_update(of=("self",)))
    if not ready:
        raise ValidationError(_("Nessuna domanda approvata da pagare."))
    invalid = [a for a in ready if iban_compact(a.iban) is None]
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
            iban=iban_compact(application.iban) or "",  # checked valid above
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
