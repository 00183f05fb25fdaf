"""What every plan service checks: money, co-financing, the actions' budget, who manages a plan,
and the errors that name the field to change."""

from collections.abc import Callable, Collection
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Sum
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, has_role
from equilibri.core.money import format_money, format_number

from ..models import Action, Project, TerritorialPlan
from ..selectors import plan_money, plans_managed_by

ModelT = TypeVar("ModelT", bound=Model)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def euro(amount: Decimal) -> str:
    """€ 1.234,56 (the platform's one money format, core.money)."""
    return format_money(amount)


def percent(value: Decimal) -> str:
    """The number of a percentage, without the sign (messages write "%(percent)s%%")."""
    return format_number(value)


def require_manager(by, plan: TerritorialPlan) -> None:
    if by is None or not plans_managed_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("Solo gli operatori dell'ATS del piano possono modificarlo."))


def reject_unknown(fields: dict, allowed: Collection[str]) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


def save_checked(
    obj: ModelT, fields: dict, check: Callable[[ModelT], None] | None = None
) -> ModelT:
    """`obj` with `fields` set, saved once the service's own `check` and the model's full_clean
    pass (a ValidationError from either, and nothing is written). Saving the instance, not a
    queryset update, lets the audit log record the changes."""
    for name, value in fields.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj)
    obj.full_clean()
    obj.save()
    return obj


def check_money(value: Any, label: str, field: str | None = None) -> Decimal:
    """A Decimal amount, not negative, at most two decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise field_error(
            field, _("%(label)s: scrivi un importo in euro, ad esempio 1500,00.") % {"label": label}
        ) from error
    if not amount.is_finite():
        raise field_error(field, _("%(label)s: scrivi un importo in euro.") % {"label": label})
    if amount < 0:
        raise field_error(
            field,
            _("%(label)s non può essere negativo: scrivi 0 o un importo positivo.")
            % {"label": label},
        )
    if amount != amount.quantize(CENT):
        raise field_error(
            field,
            _("%(label)s: usa al massimo due cifre decimali (i centesimi), ad esempio %(example)s.")
            % {"label": label, "example": euro(amount.quantize(CENT))},
        )
    return amount.quantize(CENT)


def field_error(field: str | None, message: str, code: str = "invalid") -> ValidationError:
    return (
        ValidationError({field: [ValidationError(message, code=code)]})
        if field
        else (ValidationError(message, code=code))
    )


def required_cofinancing(regional_grant: Decimal, min_share: Decimal) -> Decimal:
    """The least co-financing (in cents, rounded up) that is `min_share` % of the budget:
    C / (G + C) >= m / 100  <=>  C >= G * m / (100 - m)."""
    if min_share <= 0:
        return Decimal(0)
    if min_share >= HUNDRED:
        raise ValueError("a 100% minimum co-financing has no solution with a regional grant")
    return (regional_grant * min_share / (HUNDRED - min_share)).quantize(
        CENT, rounding=ROUND_CEILING
    )


def check_cofinancing(
    *, regional_grant: Decimal, cofinancing: Decimal, plan: TerritorialPlan
) -> None:
    """Co-financing is at least the plan's minimum share of the total budget."""
    minimum = plan.min_cofinancing
    total = regional_grant + cofinancing
    if cofinancing * HUNDRED >= minimum * total:
        return
    if minimum >= HUNDRED:
        raise field_error(
            "regional_grant",
            _(
                "Il piano richiede che il progetto sia interamente cofinanziato: porta il "
                "contributo regionale a 0."
            ),
            code="cofinancing",
        )
    # Rounded down: 19.9999% must not read as the 20% it misses.
    share = (
        (cofinancing * HUNDRED / total).quantize(CENT, rounding=ROUND_FLOOR)
        if total
        else Decimal(0)
    )
    missing = required_cofinancing(regional_grant, minimum) - cofinancing
    raise field_error(
        "cofinancing",
        _(
            "Il cofinanziamento è il %(share)s%% del budget: il piano ne richiede almeno il "
            "%(minimum)s%%. Aumenta il cofinanziamento di almeno %(missing)s."
        )
        % {"share": percent(share), "minimum": percent(minimum), "missing": euro(missing)},
        code="cofinancing",
    )


def actions_total(project: Project, *, excluding: Action | None = None) -> Decimal:
    qs = project.actions.all() if project.pk else Action.objects.none()
    if excluding is not None and excluding.pk:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(total=Sum("budget"))["total"] or Decimal(0)


def can_manage(user, plan: TerritorialPlan) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER) and (
        plans_managed_by(user).filter(pk=plan.pk).exists()
    )


def lock_plan(plan: TerritorialPlan) -> TerritorialPlan:
    """The plan's row, locked to the end of the transaction: every change to its grants or to
    its projects' regional grants takes this lock first, so two concurrent allocations are
    checked one after the other against what the first left (PostgreSQL; SQLite's IMMEDIATE
    transactions already run one writer at a time)."""
    return TerritorialPlan.objects.select_for_update().get(pk=plan.pk)


def check_project_grant(project: Project) -> None:
    """A project's regional grant fits in what the plan's grants leave after the other projects.
    Only a grant that grows is checked: lowering one is always allowed, so a plan allocated
    beyond its grants before this check can be brought back within them."""
    plan = lock_plan(project.plan)
    previous = (
        Project.objects.filter(pk=project.pk).values_list("regional_grant", flat=True).first()
        if project.pk
        else None
    )
    if previous is not None and project.regional_grant <= previous:
        return
    money = plan_money(plan, excluding=project)
    if money.allocated + project.regional_grant <= money.granted:
        return
    remaining = max(money.remaining, Decimal(0))
    raise field_error(
        "regional_grant",
        _(
            "Il piano ha %(granted)s di contributi regionali e gli altri progetti ne usano già "
            "%(allocated)s: restano %(remaining)s. Scrivi un contributo regionale di al massimo "
            "%(remaining)s, oppure aumenta prima i contributi del piano o riduci quelli di un "
            "altro progetto."
        )
        % {
            "granted": euro(money.granted),
            "allocated": euro(money.allocated),
            "remaining": euro(remaining),
        },
        code="plan_budget",
    )


def check_plan_grants(plan: TerritorialPlan, *, year: int, amount: Decimal) -> None:
    """The plan's grants, with `year` set to `amount` (0: removed), still cover what its projects
    draw. Only a grant that shrinks is checked, for the same reason as above."""
    plan = lock_plan(plan)
    money = plan_money(plan)
    previous = plan.grants.filter(year=year).values_list("amount", flat=True).first()
    previous = previous if previous is not None else Decimal(0)
    if amount >= previous:
        return
    granted = money.granted - previous + amount
    if granted >= money.allocated:
        return
    least = money.allocated - (money.granted - previous)
    raise field_error(
        "amount",
        _(
            "I progetti del piano hanno già %(allocated)s di contributo regionale: con questo "
            "importo i contributi del piano sarebbero %(granted)s, %(missing)s in meno. Per il "
            "%(year)s scrivi almeno %(least)s, oppure riduci prima il contributo regionale dei "
            "progetti."
        )
        % {
            "allocated": euro(money.allocated),
            "granted": euro(granted),
            "missing": euro(money.allocated - granted),
            "year": year,
            "least": euro(max(least, Decimal(0))),
        },
        code="plan_budget",
    )
