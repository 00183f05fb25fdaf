"""Projects of a plan: creation, optimistic edits, partners and the lifecycle."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.accounts.roles import Role, ats_ids_for

from ..models import Project, ProjectEvent, ProjectPartner, TerritorialPlan
from ..selectors import plans_managed_by
from .checks import (
    actions_total,
    check_cofinancing,
    check_money,
    check_project_grant,
    euro,
    field_error,
    reject_unknown,
    require_manager,
    save_checked,
)

ProjectState = Project.State

# In the order the project's form shows them.
PROJECT_FIELDS = (
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
)

STALE_MESSAGE = gettext_lazy(
    "Il progetto è stato modificato da un altro utente mentre lo modificavi: ricarica la pagina"
)


def _check_project(project: Project) -> None:
    """The project's own rules, on the values it is about to be saved with."""
    plan = project.plan
    if project.kind == Project.Kind.ALLIANCE:
        if project.alliance is None:
            raise field_error(
                "alliance",
                _("Un progetto di alleanza locale indica la sua alleanza: sceglila dall'elenco."),
            )
        if project.alliance.ats_id != plan.ats_id:
            raise field_error(
                "alliance",
                _(
                    "L'alleanza «%(alliance)s» è di un'altra ATS: scegli un'alleanza di "
                    "%(ats)s, l'ATS del piano."
                )
                % {"alliance": project.alliance, "ats": plan.ats},
            )
    else:
        if project.alliance is not None:
            raise field_error(
                "alliance",
                _(
                    "Solo un progetto di alleanza locale appartiene a un'alleanza: lascia vuoto "
                    "il campo alleanza o scegli il tipo «progetto di alleanza locale»."
                ),
            )
    if project.contractor is not None and project.kind != Project.Kind.SYSTEM:
        raise field_error(
            "contractor",
            _(
                "Il soggetto incaricato si indica solo per le azioni di sistema: lascia vuoto "
                "il campo."
            ),
        )
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise field_error(
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
    check_project_grant(project)
    if project.pk:
        spent = actions_total(project)
        if spent > project.total_budget:
            excess = spent - project.total_budget
            raise field_error(
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


@transaction.atomic
def project_create(
    *, plan: TerritorialPlan, by, partners: Iterable[tuple[Any, str]] = (), **fields
) -> Project:
    reject_unknown(fields, PROJECT_FIELDS)
    require_manager(by, plan)
    project = save_checked(Project(plan=plan, state=Project.State.PROPOSED), fields, _check_project)
    ProjectEvent.objects.create(project=project, state=project.state, by=by)
    for organisation, role in partners:
        project_partner_add(project=project, organisation=organisation, role=role, by=by)
    return project


@transaction.atomic
def project_update(*, project: Project, version: int, by, **fields) -> Project:
    """Changes the project if nobody changed it since `version` was read; else ValidationError
    (code "stale") and nothing is written."""
    reject_unknown(fields, PROJECT_FIELDS)
    require_manager(by, project.plan)
    # The conditional UPDATE claims the version: only one of two concurrent editors gets a row.
    # Not in the audit log by itself: the save below logs the change the claim is for.
    claimed = Project.objects.filter(pk=project.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ValidationError(STALE_MESSAGE, code="stale")
    fresh = Project.objects.select_related("plan__ats").get(pk=project.pk)
    return save_checked(fresh, fields, _check_project)


@transaction.atomic
def project_partner_add(*, project: Project, organisation, role: str = "", by) -> ProjectPartner:
    require_manager(by, project.plan)
    if organisation.pk == project.lead_id:
        raise field_error(
            "organisation",
            _("%(org)s è l'ente capofila del progetto: scegli un altro ente come partner.")
            % {"org": organisation},
        )
    if project.partners.filter(organisation=organisation).exists():
        raise field_error(
            "organisation",
            _("%(org)s è già partner del progetto: scegli un altro ente.") % {"org": organisation},
        )
    return ProjectPartner.objects.create(project=project, organisation=organisation, role=role)


@transaction.atomic
def project_partner_remove(*, partner: ProjectPartner, by) -> None:
    require_manager(by, partner.project.plan)
    partner.delete()


# Lifecycle: target state → the state it must come from.
TRANSITIONS = {
    ProjectState.EVALUATED: ProjectState.PROPOSED,
    ProjectState.APPROVED: ProjectState.EVALUATED,
    ProjectState.IN_PROGRESS: ProjectState.APPROVED,
    ProjectState.REPORTED: ProjectState.IN_PROGRESS,
    ProjectState.CLOSED: ProjectState.REPORTED,
}


def _transition(project: Project, target: str, by, note: str) -> Project:
    fresh = Project.objects.select_for_update().select_related("plan__ats").get(pk=project.pk)
    allowed = plans_managed_by(by).filter(pk=fresh.plan_id).exists()
    if target == ProjectState.EVALUATED and not allowed:
        allowed = fresh.plan.ats_id in ats_ids_for(by, Role.COMMITTEE_MEMBER)
    if not allowed:
        raise PermissionDenied(_("Solo gli operatori dell'ATS del piano cambiano lo stato."))
    previous = TRANSITIONS[ProjectState(target)]
    if fresh.state != previous:
        raise ValidationError(
            _(
                "Il progetto è «%(current)s»: può diventare «%(target)s» solo dallo stato "
                "«%(previous)s». Esegui prima i passaggi precedenti."
            )
            % {
                "current": fresh.get_state_display(),
                "target": ProjectState(target).label,
                "previous": ProjectState(previous).label,
            },
            code="lifecycle",
        )
    fresh.state = target
    fresh.save(update_fields=["state"])
    ProjectEvent.objects.create(project=fresh, state=target, by=by, note=note)
    return fresh


def _lifecycle_step(name: str, target: Project.State) -> Callable[..., Project]:
    """The service that moves a project one step, to `target` (the steps differ only there)."""

    @transaction.atomic
    def step(*, project: Project, by, note: str = "") -> Project:
        return _transition(project, target, by, note)

    step.__name__ = step.__qualname__ = name
    step.__doc__ = f"Moves the project to {target.value!r} from {TRANSITIONS[target].value!r}."
    return step


project_evaluate = _lifecycle_step("project_evaluate", ProjectState.EVALUATED)
project_approve = _lifecycle_step("project_approve", ProjectState.APPROVED)
project_start = _lifecycle_step("project_start", ProjectState.IN_PROGRESS)
project_report = _lifecycle_step("project_report", ProjectState.REPORTED)
project_close = _lifecycle_step("project_close", ProjectState.CLOSED)

LIFECYCLE = {
    "evaluate": project_evaluate,
    "approve": project_approve,
    "start": project_start,
    "report": project_report,
    "close": project_close,
}

# The step available from each state (for the buttons).
NEXT_STEP = {
    ProjectState.PROPOSED: ("evaluate", gettext_lazy("Segna come valutato")),
    ProjectState.EVALUATED: ("approve", gettext_lazy("Approva")),
    ProjectState.APPROVED: ("start", gettext_lazy("Avvia le attività")),
    ProjectState.IN_PROGRESS: ("report", gettext_lazy("Segna come rendicontato")),
    ProjectState.REPORTED: ("close", gettext_lazy("Chiudi il progetto")),
}
