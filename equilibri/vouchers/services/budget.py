"""The scheme's budget. `Scheme.reserved` is the money committed to approved, partly approved
and paid applications. Approving reserves with ONE conditional UPDATE
(`reserved = reserved + amount WHERE reserved <= budget - amount`): the database evaluates the
condition on the row it locks, so concurrent approvals never overspend (on PostgreSQL a naive
read-check-write would). When the UPDATE matches no row the application goes to "waiting".

Waiting queue. A waiting application has already been decided on its merits (its approved
amount is set): it only lacks budget. When budget is freed (rejection after approval, partial
payment) the queue moves up automatically, strictly in submission order: the first waiting
application is approved if its amount fits, and the queue stops at the first that does not fit
(no later, smaller application overtakes an earlier one).
"""

from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from equilibri.core import audit
from equilibri.core.money import money_value

from ..models import Scheme, VoucherApplication
from .transitions import change_state

AppState = VoucherApplication.State


def reserve(scheme_id: int, amount: Decimal) -> bool:
    """Reserves `amount` of the scheme's budget in one conditional UPDATE; False if it does
    not fit. Exact on both databases: the columns and the value are whole cents (core.money)."""
    cents = money_value(amount)
    reserved = Scheme.objects.filter(pk=scheme_id, reserved__lte=F("budget") - cents).update(
        reserved=F("reserved") + cents
    )
    if reserved:
        _log_budget(scheme_id, amount)
    return bool(reserved)


def _log_budget(scheme_id: int, change: Decimal) -> None:
    """The budget moves by conditional UPDATEs (the check and the change in one statement, so
    that two approvals never overspend it), which auditlog does not see."""
    audit.log_bulk(
        Scheme, [scheme_id], audit.UPDATE, fields=["reserved"], data={"reserved": str(change)}
    )


def release(scheme_id: int, amount: Decimal, by) -> None:
    if amount > 0:
        Scheme.objects.filter(pk=scheme_id).update(reserved=F("reserved") - money_value(amount))
        _log_budget(scheme_id, -amount)
        _promote_waiting(scheme_id, by)


def _promote_waiting(scheme_id: int, by) -> int:
    """Approves waiting applications in submission order while their amounts fit."""
    promoted = 0
    queue = (
        VoucherApplication.objects.select_for_update()
        .filter(scheme_id=scheme_id, state=AppState.WAITING)
        .order_by("submitted_at", "pk")
    )
    for application in queue:
        if not reserve(scheme_id, application.approved_amount):
            break
        target = (
            AppState.APPROVED
            if application.approved_amount >= application.requested_amount
            else AppState.PARTLY_APPROVED
        )
        change_state(
            application,
            target,
            by,
            _("Approvata: si è liberato budget e la domanda era la prima in attesa."),
        )
        promoted += 1
    return promoted
