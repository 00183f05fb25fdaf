"""Plans and their yearly regional grants."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for

from ..models import PlanGrant, TerritorialPlan
from .checks import (
    check_money,
    check_plan_grants,
    field_error,
    reject_unknown,
    require_manager,
    save_checked,
)

# In the order the plan's form shows them.
PLAN_FIELDS = (
    "title",
    "start_year",
    "end_year",
    "legal_basis",
    "approval_act_number",
    "approval_act_date",
    "alliance_share",
    "min_cofinancing",
    "monitoring_period_months",
    "guidance_needs",
    "guidance_priorities",
    "guidance_strategies",
    "guidance_integration",
    "is_public",
    "illustrative_figures",
)


def _check_plan(plan: TerritorialPlan) -> None:
    if plan.start_year and plan.end_year and plan.end_year < plan.start_year:
        raise field_error(
            "end_year",
            _(
                "L'anno di fine (%(end)s) viene prima dell'anno di inizio (%(start)s): "
                "scrivi un anno uguale o successivo a %(start)s."
            )
            % {"end": plan.end_year, "start": plan.start_year},
        )
    if not plan.pk:
        return
    outside = plan.grants.exclude(year__range=(plan.start_year, plan.end_year))
    if outside.exists():
        years = ", ".join(str(g.year) for g in outside)
        raise field_error(
            None,
            _(
                "Il piano ha contributi per anni fuori dal nuovo periodo (%(years)s): "
                "allarga il periodo o togli prima quei contributi."
            )
            % {"years": years},
        )


@transaction.atomic
def plan_create(*, ats, by, grants: dict[int, Decimal] | None = None, **fields) -> TerritorialPlan:
    reject_unknown(fields, PLAN_FIELDS)
    if not (
        (by.is_authenticated and by.is_superuser) or ats.pk in ats_ids_for(by, Role.ATS_OPERATOR)
    ):
        raise PermissionDenied(_("Puoi creare piani solo per la tua ATS."))
    plan = save_checked(TerritorialPlan(ats=ats), fields, _check_plan)
    for year, amount in (grants or {}).items():
        plan_grant_set(plan=plan, year=year, amount=amount, by=by)
    return plan


@transaction.atomic
def plan_update(*, plan: TerritorialPlan, by, **fields) -> TerritorialPlan:
    reject_unknown(fields, PLAN_FIELDS)
    require_manager(by, plan)
    plan = TerritorialPlan.objects.select_for_update().get(pk=plan.pk)
    return save_checked(plan, fields, _check_plan)


@transaction.atomic
def plan_grant_set(*, plan: TerritorialPlan, year: int, amount, by) -> PlanGrant:
    """Sets (creates or replaces) the plan's regional grant for one year of its period."""
    require_manager(by, plan)
    if not plan.start_year <= year <= plan.end_year:
        raise field_error(
            "year",
            _("Il piano va dal %(start)s al %(end)s: scegli un anno di questo periodo.")
            % {"start": plan.start_year, "end": plan.end_year},
        )
    amount = check_money(amount, _("L'importo"), "amount")
    check_plan_grants(plan, year=year, amount=amount)
    grant, _created = PlanGrant.objects.update_or_create(
        plan=plan, year=year, defaults={"amount": amount}
    )
    return grant


@transaction.atomic
def plan_grant_delete(*, grant: PlanGrant, by) -> None:
    require_manager(by, grant.plan)
    check_plan_grants(grant.plan, year=grant.year, amount=Decimal(0))
    grant.delete()
