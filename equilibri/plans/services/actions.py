"""Actions of a project, their indicators, and the project's milestones."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Action, Indicator, Milestone, Project
from .checks import (
    actions_total,
    check_money,
    euro,
    field_error,
    reject_unknown,
    require_manager,
    save_checked,
)

ACTION_FIELDS = ("title", "category", "description", "target_groups", "budget")
INDICATOR_FIELDS = {"name", "unit", "target", "by_gender"}
MILESTONE_FIELDS = {"title", "due_date", "done_on"}


def _check_action_budget(project: Project, budget: Decimal, *, action: Action | None) -> None:
    others = actions_total(project, excluding=action)
    total = project.total_budget
    if others + budget > total:
        excess = others + budget - total
        raise field_error(
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


def _check_comuni(project: Project, comuni) -> list:
    comuni = list(comuni or [])
    foreign = [c for c in comuni if c.ats_id != project.plan.ats_id]
    if foreign:
        raise field_error(
            "comuni",
            _("%(names)s non sono nel territorio di %(ats)s: togli questi comuni.")
            % {"names": ", ".join(c.name for c in foreign), "ats": project.plan.ats},
        )
    return comuni


@transaction.atomic
def action_create(*, project: Project, by, comuni=(), **fields) -> Action:
    reject_unknown(fields, ACTION_FIELDS)
    require_manager(by, project.plan)
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
    reject_unknown(fields, ACTION_FIELDS)
    project = (
        Project.objects.select_for_update().select_related("plan__ats").get(pk=action.project_id)
    )
    require_manager(by, project.plan)
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
    require_manager(by, action.project.plan)
    if action.expenditures.exists():
        raise ValidationError(
            _("L'azione ha spese rendicontate: non si può eliminare."), code="protected"
        )
    action.delete()


@transaction.atomic
def indicator_create(*, action: Action, by, **fields) -> Indicator:
    reject_unknown(fields, INDICATOR_FIELDS)
    require_manager(by, action.project.plan)
    return save_checked(Indicator(action=action), fields, _check_target)


@transaction.atomic
def indicator_update(*, indicator: Indicator, by, **fields) -> Indicator:
    reject_unknown(fields, INDICATOR_FIELDS)
    require_manager(by, indicator.action.project.plan)
    return save_checked(indicator, fields, _check_target)


def _check_target(indicator: Indicator) -> None:
    if indicator.target is not None and indicator.target < 0:
        raise field_error(
            "target", _("L'obiettivo non può essere negativo: scrivi 0 o un numero positivo.")
        )


@transaction.atomic
def milestone_create(*, project: Project, by, **fields) -> Milestone:
    reject_unknown(fields, MILESTONE_FIELDS)
    require_manager(by, project.plan)
    return save_checked(Milestone(project=project), fields)


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, **fields) -> Milestone:
    reject_unknown(fields, MILESTONE_FIELDS)
    require_manager(by, milestone.project.plan)
    return save_checked(milestone, fields)
