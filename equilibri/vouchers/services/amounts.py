"""The amount rule: the percentage of the expense, the caps and the minimum (pure), and
what a family already has from a scheme this year."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Scheme, VoucherApplication

AppState = VoucherApplication.State
CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountRule:
    percentage: Decimal
    cap_per_application: Decimal | None = None
    cap_per_family_year: Decimal | None = None
    minimum: Decimal | None = None

    @classmethod
    def of(cls, scheme: Scheme) -> "AmountRule":
        return cls(
            scheme.percentage,
            scheme.cap_per_application,
            scheme.cap_per_family_year,
            scheme.minimum_amount,
        )


@dataclass(frozen=True)
class AmountResult:
    amount: Decimal  # what the scheme pays (0 below the minimum)
    gross: Decimal  # the percentage of the expense, before caps
    capped: bool  # a cap lowered it
    below_minimum: bool


def compute_amount(
    rule: AmountRule, expense_total: Decimal, *, granted_this_year: Decimal = Decimal("0")
) -> AmountResult:
    """The contribution for `expense_total` (euros): the percentage, rounded to the cent
    (half up), then at most the cap per application and what is left of the family's yearly cap
    (`granted_this_year` already granted to the family); below the minimum nothing is due."""
    if expense_total <= 0:
        return AmountResult(Decimal("0.00"), Decimal("0.00"), False, False)
    gross = (expense_total * rule.percentage / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = gross
    if rule.cap_per_application is not None:
        amount = min(amount, rule.cap_per_application)
    if rule.cap_per_family_year is not None:
        amount = min(amount, max(rule.cap_per_family_year - granted_this_year, Decimal("0")))
    amount = amount.quantize(CENT)
    capped = amount < gross
    if rule.minimum is not None and amount < rule.minimum:
        return AmountResult(Decimal("0.00"), gross, capped, True)
    return AmountResult(amount, gross, capped, False)


def granted_this_year(application: VoucherApplication, year: int | None = None) -> Decimal:
    """What the same family (the applicant's fiscal code) already has from this scheme this
    year: approved amounts of decided applications, requested amounts of pending ones."""
    if not application.fiscal_code:
        return Decimal("0")
    year = year or timezone.localdate().year
    others = (
        VoucherApplication.objects.filter(
            scheme_id=application.scheme_id,
            fiscal_code=application.fiscal_code,
            submitted_at__year=year,
        )
        .exclude(pk=application.pk)
        .exclude(state__in=[AppState.DRAFT, AppState.REJECTED])
    )
    total = Decimal("0")
    for other in others:
        if other.state in (AppState.APPROVED, AppState.PARTLY_APPROVED, AppState.WAITING):
            total += other.approved_amount
        elif other.state == AppState.PAID:
            total += other.paid_amount
        else:
            total += other.requested_amount
    return total


def application_amount(application: VoucherApplication) -> AmountResult:
    total = application.expenses.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return compute_amount(
        AmountRule.of(application.scheme), total, granted_this_year=granted_this_year(application)
    )


class Figure(NamedTuple):
    label: str
    amount: Decimal


def application_figures(application: VoucherApplication) -> list[Figure]:
    """The amounts to show for the application, each labelled by what it means in its state
    (the last one is the headline): a draft shows the contribution computed from its receipts
    now (its requested amount is set only when it is sent), an application waiting for budget
    shows what could be approved, not an approval, and a rejected one no approved figure."""
    state = application.state
    requested = Figure(_("Contributo richiesto"), application.requested_amount)
    if state in (AppState.DRAFT, AppState.INTEGRATION_REQUESTED):
        computed = application_amount(application).amount
        return [Figure(_("Contributo calcolato dalle spese"), computed)]
    if state == AppState.WAITING:
        return [
            requested,
            Figure(_("Approvabile, in attesa di budget"), application.approved_amount),
        ]
    if state == AppState.APPROVED:
        return [Figure(_("Contributo approvato"), application.approved_amount)]
    if state == AppState.PARTLY_APPROVED:
        return [requested, Figure(_("Contributo approvato in parte"), application.approved_amount)]
    if state == AppState.PAID:
        return [
            Figure(_("Contributo approvato"), application.approved_amount),
            Figure(_("Contributo pagato"), application.paid_amount),
        ]
    return [requested]  # sent, confirmed by the employer, rejected
