"""Plans, projects, actions, indicators and milestones: every change is one function here.

Business rules (each refused with a ValidationError naming what to change):
- a plan's end year is not before its start year; grants are for years of the plan's period;
- an alliance project belongs to an alliance of the plan's ATS; a system action has none;
- co-financing is at least the plan's minimum share of the project budget
  (regional grant + co-financing), computed exactly on Decimals;
- the actions' budgets add up to no more than the project budget;
- amounts are not negative and have at most two decimals;
- lifecycle: proposed → evaluated → approved → in_progress → reported → closed, one step at a time;
- project edits are optimistic: based on the version the editor loaded, refused if stale.

Monitoring and committee services live in monitoring_services.py and committee_services.py.
"""

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.accounts.roles import Role, ats_ids_for, has_role

from .models import (
    Action,
    Indicator,
    Milestone,
    PlanGrant,
    Project,
    ProjectEvent,
    ProjectPartner,
    TerritorialPlan,
)
from .selectors import plans_managed_by

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

PLAN_FIELDS = {
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
}
PROJECT_FIELDS = {
    "kind",
    "title",
    "alliance",
    "lead",
    "contractor",
    "summary",
    "objectives",
    "regional_grant",
    "cofinancing",
    "start_date",
    "end_date",
}
ACTION_FIELDS = {"title", "category", "description", "target_groups", "budget"}
INDICATOR_FIELDS = {"name", "unit", "target", "by_gender"}
MILESTONE_FIELDS = {"title", "due_date", "done_on"}

STALE_MESSAGE = gettext_lazy(
    "Il progetto è stato modificato da un altro utente mentre lo modificavi: ricarica la pagina"
)


def euro(amount: Decimal) -> str:
    """€ 1.234,56 (grouping and decimal separator of the active language)."""
    return "€ " + number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def percent(value: Decimal) -> str:
    return number_format(
        value.normalize() if value == value.to_integral() else value, use_l10n=True
    )


# --- checks ----------------------------------------------------------------------------------


def _require_manager(by, plan: TerritorialPlan) -> None:
    if by is None or not plans_managed_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("Solo gli operatori dell'ATS del piano possono modificarlo."))


def _unknown(fields: dict, allowed: set[str]) -> None:
    extra = set(fields) - allowed
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


def check_money(value: Any, label: str, field: str | None = None) -> Decimal:
    """A Decimal amount, not negative, at most two decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise _error(
            field, _("%(label)s: scrivi un importo in euro, ad esempio 1500,00.") % {"label": label}
        ) from error
    if not amount.is_finite():
        raise _error(field, _("%(label)s: scrivi un importo in euro.") % {"label": label})
    if amount < 0:
        raise _error(
            field,
            _("%(label)s non può essere negativo: scrivi 0 o un importo positivo.")
            % {"label": label},
        )
    if amount != amount.quantize(CENT):
        raise _error(
            field,
            _("%(label)s: usa al massimo due cifre decimali (i centesimi), ad esempio %(example)s.")
            % {"label": label, "example": euro(amount.quantize(CENT))},
        )
    return amount.quantize(CENT)


def _error(field: str | None, message: str, code: str = "invalid") -> ValidationError:
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
        raise _error(
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
    raise _error(
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


def _check_action_budget(project: Project, budget: Decimal, *, action: Action | None) -> None:
    others = actions_total(project, excluding=action)
    total = project.total_budget
    if others + budget > total:
        excess = others + budget - total
        raise _error(
            "budget",
            _(
                "Con questa azione la somma dei budget delle azioni (%(sum)s) supera il budget "
                "del progetto (%(total)s) di %(excess)s: riduci il budget dell'azione di almeno "
                "%(excess)s (al massimo %(available)s) o aumenta prima il budget del progetto."
            )
            % {
                "sum": euro(others + budget),
                "total": euro(total),
                "excess": euro(excess),
                "available": euro(max(total - others, Decimal(0))),
            },
            code="actions_budget",
        )


def _check_project(project: Project) -> None:
    """The project's own rules, on the values it is about to be saved with."""
    plan = project.plan
    if project.kind == Project.Kind.ALLIANCE:
        if project.alliance is None:
            raise _error(
                "alliance",
                _("Un progetto di alleanza locale indica la sua alleanza: sceglila dall'elenco."),
            )
        if project.alliance.ats_id != plan.ats_id:
            raise _error(
                "alliance",
                _(
                    "L'alleanza «%(alliance)s» è di un'altra ATS: scegli un'alleanza di "
                    "%(ats)s, l'ATS del piano."
                )
                % {"alliance": project.alliance, "ats": plan.ats},
            )
    else:
        if project.alliance is not None:
            raise _error(
                "alliance",
                _(
                    "Solo un progetto di alleanza locale appartiene a un'alleanza: lascia vuoto "
                    "il campo alleanza o scegli il tipo «progetto di alleanza locale»."
                ),
            )
    if project.contractor is not None and project.kind != Project.Kind.SYSTEM:
        raise _error(
            "contractor",
            _(
                "Il soggetto incaricato si indica solo per le azioni di sistema: lascia vuoto "
                "il campo."
            ),
        )
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise _error(
            "end_date",
            _("La data di fine viene prima della data di inizio: correggi una delle due."),
        )
    project.regional_grant = check_money(
        project.regional_grant, _("Il contributo regionale"), "regional_grant"
    )
    project.cofinancing = check_money(project.cofinancing, _("Il cofinanziamento"), "cofinancing")
    check_cofinancing(
        regional_grant=project.regional_grant, cofinancing=project.cofinancing, plan=plan
    )
    if project.pk:
        spent = actions_total(project)
        if spent > project.total_budget:
            excess = spent - project.total_budget
            raise _error(
                None,
                _(
                    "Il budget del progetto (%(total)s) è inferiore alla somma dei budget delle "
                    "azioni (%(sum)s) di %(excess)s: aumenta il contributo o il cofinanziamento "
                    "di almeno %(excess)s, o riduci prima il budget delle azioni."
                )
                % {
                    "total": euro(project.total_budget),
                    "sum": euro(spent),
                    "excess": euro(excess),
                },
                code="actions_budget",
            )


def _check_plan(plan: TerritorialPlan) -> None:
    if plan.start_year and plan.end_year and plan.end_year < plan.start_year:
        raise _error(
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
        raise _error(
            None,
            _(
                "Il piano ha contributi per anni fuori dal nuovo periodo (%(years)s): "
                "allarga il periodo o togli prima quei contributi."
            )
            % {"years": years},
        )


# --- plans -----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, ats, by, grants: dict[int, Decimal] | None = None, **fields) -> TerritorialPlan:
    _unknown(fields, PLAN_FIELDS)
    if not (
        (by.is_authenticated and by.is_superuser) or ats.pk in ats_ids_for(by, Role.ATS_OPERATOR)
    ):
        raise PermissionDenied(_("Puoi creare piani solo per la tua ATS."))
    plan = TerritorialPlan(ats=ats, **fields)
    _check_plan(plan)
    plan.full_clean()
    plan.save()
    for year, amount in (grants or {}).items():
        plan_grant_set(plan=plan, year=year, amount=amount, by=by)
    return plan


@transaction.atomic
def plan_update(*, plan: TerritorialPlan, by, **fields) -> TerritorialPlan:
    _unknown(fields, PLAN_FIELDS)
    _require_manager(by, plan)
    plan = TerritorialPlan.objects.select_for_update().get(pk=plan.pk)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_plan(plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_grant_set(*, plan: TerritorialPlan, year: int, amount, by) -> PlanGrant:
    """Sets (creates or replaces) the plan's regional grant for one year of its period."""
    _require_manager(by, plan)
    if not plan.start_year <= year <= plan.end_year:
        raise _error(
            "year",
            _("Il piano va dal %(start)s al %(end)s: scegli un anno di questo periodo.")
            % {"start": plan.start_year, "end": plan.end_year},
        )
    amount = check_money(amount, _("L'importo"), "amount")
    grant, _created = PlanGrant.objects.update_or_create(
        plan=plan, year=year, defaults={"amount": amount}
    )
    return grant


@transaction.atomic
def plan_grant_delete(*, grant: PlanGrant, by) -> None:
    _require_manager(by, grant.plan)
    grant.delete()


# --- projects --------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, plan: TerritorialPlan, by, partners: Iterable[tuple[Any, str]] = (), **fields
) -> Project:
    _unknown(fields, PROJECT_FIELDS)
    _require_manager(by, plan)
    project = Project(plan=plan, state=Project.State.PROPOSED, **fields)
    _check_project(project)
    project.full_clean()
    project.save()
    ProjectEvent.objects.create(project=project, state=project.state, by=by)
    for organisation, role in partners:
        project_partner_add(project=project, organisation=organisation, role=role, by=by)
    return project


@transaction.atomic
def project_update(*, project: Project, version: int, by, **fields) -> Project:
    """Changes the project if nobody changed it since `version` was read; else ValidationError
    (code "stale") and nothing is written."""
    _unknown(fields, PROJECT_FIELDS)
    _require_manager(by, project.plan)
    # The conditional UPDATE claims the version: only one of two concurrent editors gets a row.
    # Not in the audit log by itself: the save below logs the change the claim is for.
    claimed = Project.objects.filter(pk=project.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ValidationError(STALE_MESSAGE, code="stale")
    fresh = Project.objects.select_related("plan__ats").get(pk=project.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    _check_project(fresh)
    fresh.full_clean()
    # Saving the instance (not a queryset update) lets the audit log record the changes.
    fresh.save()
    return fresh


@transaction.atomic
def project_partner_add(*, project: Project, organisation, role: str = "", by) -> ProjectPartner:
    _require_manager(by, project.plan)
    if organisation.pk == project.lead_id:
        raise _error(
            "organisation",
            _("%(org)s è l'ente capofila del progetto: scegli un altro ente come partner.")
            % {"org": organisation},
        )
    if project.partners.filter(organisation=organisation).exists():
        raise _error(
            "organisation",
            _("%(org)s è già partner del progetto: scegli un altro ente.") % {"org": organisation},
        )
    return ProjectPartner.objects.create(project=project, organisation=organisation, role=role)


@transaction.atomic
def project_partner_remove(*, partner: ProjectPartner, by) -> None:
    _require_manager(by, partner.project.plan)
    partner.delete()


# Lifecycle: target state → the state it must come from.
S = Project.State
TRANSITIONS = {
    S.EVALUATED: S.PROPOSED,
    S.APPROVED: S.EVALUATED,
    S.IN_PROGRESS: S.APPROVED,
    S.REPORTED: S.IN_PROGRESS,
    S.CLOSED: S.REPORTED,
}


def _transition(project: Project, target: str, by, note: str) -> Project:
    fresh = Project.objects.select_for_update().select_related("plan__ats").get(pk=project.pk)
    allowed = plans_managed_by(by).filter(pk=fresh.plan_id).exists()
    if target == S.EVALUATED and not allowed:
        allowed = fresh.plan.ats_id in ats_ids_for(by, Role.COMMITTEE_MEMBER)
    if not allowed:
        raise PermissionDenied(_("Solo gli operatori dell'ATS del piano cambiano lo stato."))
    previous = TRANSITIONS[S(target)]
    if fresh.state != previous:
        raise ValidationError(
            _(
                "Il progetto è «%(current)s»: può diventare «%(target)s» solo dallo stato "
                "«%(previous)s». Esegui prima i passaggi precedenti."
            )
            % {
                "current": fresh.get_state_display(),
                "target": S(target).label,
                "previous": S(previous).label,
            },
            code="lifecycle",
        )
    fresh.state = target
    fresh.save(update_fields=["state"])
    ProjectEvent.objects.create(project=fresh, state=target, by=by, note=note)
    return fresh


@transaction.atomic
def project_evaluate(*, project: Project, by, note: str = "") -> Project:
    return _transition(project, S.EVALUATED, by, note)


@transaction.atomic
def project_approve(*, project: Project, by, note: str = "") -> Project:
    return _transition(project, S.APPROVED, by, note)


@transaction.atomic
def project_start(*, project: Project, by, note: str = "") -> Project:
    return _transition(project, S.IN_PROGRESS, by, note)


@transaction.atomic
def project_report(*, project: Project, by, note: str = "") -> Project:
    return _transition(project, S.REPORTED, by, note)


@transaction.atomic
def project_close(*, project: Project, by, note: str = "") -> Project:
    return _transition(project, S.CLOSED, by, note)


LIFECYCLE = {
    "evaluate": project_evaluate,
    "approve": project_approve,
    "start": project_start,
    "report": project_report,
    "close": project_close,
}

# The step available from each state (for the buttons).
NEXT_STEP = {
    S.PROPOSED: ("evaluate", gettext_lazy("Segna come valutato")),
    S.EVALUATED: ("approve", gettext_lazy("Approva")),
    S.APPROVED: ("start", gettext_lazy("Avvia le attività")),
    S.IN_PROGRESS: ("report", gettext_lazy("Segna come rendicontato")),
    S.REPORTED: ("close", gettext_lazy("Chiudi il progetto")),
}


# --- actions, indicators, milestones ----------------------------------------------------------


def _check_comuni(project: Project, comuni) -> list:
    comuni = list(comuni or [])
    foreign = [c for c in comuni if c.ats_id != project.plan.ats_id]
    if foreign:
        raise _error(
            "comuni",
            _("%(names)s non sono nel territorio di %(ats)s: togli questi comuni.")
            % {"names": ", ".join(c.name for c in foreign), "ats": project.plan.ats},
        )
    return comuni


@transaction.atomic
def action_create(*, project: Project, by, comuni=(), **fields) -> Action:
    _unknown(fields, ACTION_FIELDS)
    _require_manager(by, project.plan)
    # Lock the project: two concurrent actions cannot both fit in the last part of the budget.
    project = Project.objects.select_for_update().select_related("plan__ats").get(pk=project.pk)
    action = Action(project=project, **fields)
    action.budget = check_money(action.budget, _("Il budget"), "budget")
    _check_action_budget(project, action.budget, action=None)
    comuni = _check_comuni(project, comuni)
    action.full_clean()
    action.save()
    action.comuni.set(comuni)
    return action


@transaction.atomic
def action_update(*, action: Action, by, comuni=None, **fields) -> Action:
    _unknown(fields, ACTION_FIELDS)
    project = (
        Project.objects.select_for_update().select_related("plan__ats").get(pk=action.project_id)
    )
    _require_manager(by, project.plan)
    action = Action.objects.get(pk=action.pk)
    for name, value in fields.items():
        setattr(action, name, value)
    action.budget = check_money(action.budget, _("Il budget"), "budget")
    _check_action_budget(project, action.budget, action=action)
    action.full_clean()
    action.save()
    if comuni is not None:
        action.comuni.set(_check_comuni(project, comuni))
    return action


@transaction.atomic
def action_delete(*, action: Action, by) -> None:
    _require_manager(by, action.project.plan)
    if action.expenditures.exists():
        raise ValidationError(
            _("L'azione ha spese rendicontate: non si può eliminare."), code="protected"
        )
    action.delete()


@transaction.atomic
def indicator_create(*, action: Action, by, **fields) -> Indicator:
    _unknown(fields, INDICATOR_FIELDS)
    _require_manager(by, action.project.plan)
    indicator = Indicator(action=action, **fields)
    _check_target(indicator)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, by, **fields) -> Indicator:
    _unknown(fields, INDICATOR_FIELDS)
    _require_manager(by, indicator.action.project.plan)
    for name, value in fields.items():
        setattr(indicator, name, value)
    _check_target(indicator)
    indicator.full_clean()
    indicator.save()
    return indicator


def _check_target(indicator: Indicator) -> None:
    if indicator.target is not None and indicator.target < 0:
        raise _error(
            "target", _("L'obiettivo non può essere negativo: scrivi 0 o un numero positivo.")
        )


@transaction.atomic
def milestone_create(*, project: Project, by, **fields) -> Milestone:
    _unknown(fields, MILESTONE_FIELDS)
    _require_manager(by, project.plan)
    milestone = Milestone(project=project, **fields)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, **fields) -> Milestone:
    _unknown(fields, MILESTONE_FIELDS)
    _require_manager(by, milestone.project.plan)
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    milestone.save()
    return milestone


def can_manage(user, plan: TerritorialPlan) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER) and (
        plans_managed_by(user).filter(pk=plan.pk).exists()
    )


# ---------------------------------------------------------------------------------------------
# Indicator feeds: apps that record what an action delivered (e.g. vouchers paid) feed its
# monitoring indicators, so the lead never types those figures again (no double entry).
# A feed is `(action, period_start, period_end) -> dict | None` with the keys "vouchers",
# "euros", "people", "women", "men" (Decimal); None when the action has nothing to feed.

_indicator_feeds: list = []


def register_indicator_feed(feed) -> None:
    if feed not in _indicator_feeds:
        _indicator_feeds.append(feed)


def _fed_values(action: Action, start, end) -> dict | None:
    merged: dict | None = None
    for feed in _indicator_feeds:
        values = feed(action, start, end)
        if values is None:
            continue
        merged = merged or {}
        for key, value in values.items():
            merged[key] = merged.get(key, Decimal("0")) + value
    return merged


@transaction.atomic
def indicator_feeds_apply(*, report) -> int:
    """Writes the fed figures into the report's values for the indicators measured in vouchers,
    euros and people (by gender when the indicator is) of every action with a feed. Only while
    the lead can still edit the report (draft or returned); returns how many values it wrote."""
    from .models import IndicatorValue, MonitoringReport

    if report.state not in (MonitoringReport.State.DRAFT, MonitoringReport.State.RETURNED):
        return 0
    written = 0
    unit_keys: dict[str, str] = {
        Indicator.Unit.VOUCHERS: "vouchers",
        Indicator.Unit.EUROS: "euros",
        Indicator.Unit.PEOPLE: "people",
    }
    for action in Action.objects.filter(project_id=report.project_id):
        values = _fed_values(action, report.period_start, report.period_end)
        if values is None:
            continue
        for indicator in action.indicators.filter(unit__in=list(unit_keys)):
            key = unit_keys[indicator.unit]
            gendered = indicator.by_gender and indicator.unit == Indicator.Unit.PEOPLE
            IndicatorValue.objects.update_or_create(
                report=report,
                indicator=indicator,
                defaults={
                    "value": values.get(key, Decimal("0")),
                    "women": values.get("women") if gendered else None,
                    "men": values.get("men") if gendered else None,
                },
            )
            written += 1
    return written


def indicator_feeds_refresh(*, project: Project, on) -> int:
    """Refreshes the fed values of the project's editable reports whose period includes `on`."""
    written = 0
    for report in project.reports.filter(period_start__lte=on, period_end__gte=on):
        written += indicator_feeds_apply(report=report)
    return written
