"""Reserved area: territorial plans, projects, actions, indicators and milestones.

Reading: `plans.read` and the object within `*_visible_to(user)` (else 404).
Changing: `plans.manage` (ATS operators, superusers; else 403) and the object within
`*_managed_by(user)` (another ATS: 404, the same as missing).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.roles import Role, ats_ids_for
from equilibri.core.forms import save_form
from equilibri.territory.models import ATS

from . import services
from .forms import (
    ActionForm,
    IndicatorForm,
    MilestoneForm,
    PartnerForm,
    PlanForm,
    PlanGrantForm,
    ProjectForm,
    TransitionForm,
)
from .models import Action, Indicator, Milestone, Project, ProjectPartner
from .selectors import (
    plan_money,
    plans_managed_by,
    plans_visible_to,
    projects_managed_by,
    projects_visible_to,
)

READ = staff_permission_required("plans.read")
MANAGE = staff_permission_required("plans.manage")


def _form_page(request, form, *, title, back_url, plan, submit=None, intro="", money=None):
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "plan": plan,
            "submit_label": submit or _("Salva"),
            "intro": intro,
            "money": money,
        },
    )


def _form_view(
    request: HttpRequest,
    form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    next_url: str | Callable[[Any], str],
    **page,
) -> HttpResponse:
    """What every form view here does: `save` (the service) on a valid POST, then the message and
    a redirect to `next_url` (or to what it makes of the saved object); else the form page
    (`page`), with the service's refusal on the form."""
    saved = save_form(request, form, save)
    if saved is not None:
        messages.success(request, success)
        return redirect(next_url(saved) if callable(next_url) else next_url)
    return _form_page(request, form, **page)


def _managed_project(request, pk: int) -> Project:
    return get_object_or_404(projects_managed_by(request.user), pk=pk)


def _managed_action(request, pk: int) -> Action:
    return get_object_or_404(
        Action.objects.filter(project__in=projects_managed_by(request.user)).select_related(
            "project__plan__ats"
        ),
        pk=pk,
    )


# --- plans -----------------------------------------------------------------------------------


@READ
def plan_list(request: HttpRequest) -> HttpResponse:
    visible_projects = projects_visible_to(request.user)
    plans = plans_visible_to(request.user).order_by("ats__name", "-start_year")
    rows = [(plan, visible_projects.filter(plan=plan).count()) for plan in plans]
    return render(
        request,
        "plans/plan_list.html",
        {"rows": rows, "can_create": request.user.has_perm("plans.manage")},
    )


@READ
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    projects = (
        projects_visible_to(request.user)
        .filter(plan=plan)
        .annotate(n_actions=Count("actions", distinct=True))
        .order_by("kind", "title")
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "projects": projects,
            "grants": plan.grants.all(),
            "grants_total": sum((g.amount for g in plan.grants.all()), 0),
            "money": plan_money(plan),
            "can_manage": plans_managed_by(request.user).filter(pk=plan.pk).exists(),
        },
    )


@MANAGE
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    ats_qs = ATS.objects.all()
    if not user.is_superuser:
        ats_qs = ats_qs.filter(pk__in=ats_ids_for(user, Role.ATS_OPERATOR))
    form = PlanForm(request.POST or None, ats_queryset=ats_qs)

    def save(data):
        fields = dict(data)
        return services.plan_create(ats=fields.pop("ats"), by=user, **fields)

    return _form_view(
        request,
        form,
        save,
        success=_("Piano creato."),
        next_url=plan_detail_url,
        title=_("Nuovo piano territoriale"),
        back_url=reverse("plans:plan_list"),
        plan=None,
        submit=_("Crea il piano"),
    )


@MANAGE
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = PlanForm(request.POST or None, instance=plan)
    return _form_view(
        request,
        form,
        lambda data: services.plan_update(plan=plan, by=request.user, **data),
        success=_("Piano aggiornato."),
        next_url=plan_detail_url(plan),
        title=_("Modifica il piano"),
        back_url=plan_detail_url(plan),
        plan=plan,
    )


def plan_detail_url(plan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])


def project_detail_url(project) -> str:
    return reverse("plans:project_detail", args=[project.pk])


def action_url(action) -> str:
    """The action's place on its project's page."""
    return f"{project_detail_url(action.project)}#azione-{action.pk}"


@MANAGE
def plan_grants(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = PlanGrantForm(request.POST or None, plan=plan)
    grant = save_form(
        request, form, lambda data: services.plan_grant_set(plan=plan, by=request.user, **data)
    )
    if grant is not None:
        messages.success(request, _("Contributo per il %(year)s salvato.") % {"year": grant.year})
        return redirect("plans:plan_grants", plan.pk)
    return render(
        request,
        "plans/plan_grants.html",
        {"plan": plan, "form": form, "grants": plan.grants.all(), "money": plan_money(plan)},
    )


# --- projects --------------------------------------------------------------------------------


@MANAGE
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = ProjectForm(request.POST or None, plan=plan)
    return _form_view(
        request,
        form,
        lambda data: services.project_create(plan=plan, by=request.user, **form.service_fields()),
        success=_("Progetto creato: ora aggiungi partner e azioni."),
        next_url=project_detail_url,
        title=_("Nuovo progetto"),
        back_url=plan_detail_url(plan),
        plan=plan,
        money=plan_money(plan),
        submit=_("Crea il progetto"),
        intro=_(
            "Il cofinanziamento deve essere almeno il %(share)s%% del budget del progetto "
            "(contributo regionale + cofinanziamento)."
        )
        % {"share": services.percent(plan.min_cofinancing)},
    )


@READ
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    actions = project.actions.select_related("category").prefetch_related(
        "comuni", Prefetch("indicators", queryset=Indicator.objects.order_by("pk"))
    )
    can_manage = plans_managed_by(request.user).filter(pk=project.plan_id).exists()
    allocated = services.actions_total(project)
    step = services.NEXT_STEP.get(Project.State(project.state))
    return render(
        request,
        "plans/project_detail.html",
        {
            "project": project,
            "plan": project.plan,
            "actions": actions,
            "partners": project.partners.select_related("organisation"),
            "milestones": project.milestones.all(),
            "events": project.events.select_related("by"),
            "allocated": allocated,
            "available": project.total_budget - allocated,
            "can_manage": can_manage,
            "next_step": step if can_manage else None,
            "transition_form": TransitionForm() if can_manage and step else None,
        },
    )


@MANAGE
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    form = ProjectForm(request.POST or None, instance=project, plan=project.plan)

    def save(data):
        version = data.get("version")
        return services.project_update(
            project=project,
            version=version if version is not None else -1,
            by=request.user,
            **form.service_fields(),
        )

    # A stale edit keeps the input in the form: nothing of the other editor's changes is lost.
    return _form_view(
        request,
        form,
        save,
        success=_("Progetto aggiornato."),
        next_url=project_detail_url(project),
        title=_("Modifica il progetto"),
        back_url=project_detail_url(project),
        plan=project.plan,
        money=plan_money(project.plan),
        intro=_(
            "Il cofinanziamento deve essere almeno il %(share)s%% del budget del progetto "
            "(contributo regionale + cofinanziamento)."
        )
        % {"share": services.percent(project.plan.min_cofinancing)},
    )


@MANAGE
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    step = services.LIFECYCLE.get(request.POST.get("step", ""))
    form = TransitionForm(request.POST)
    if step is None or not form.is_valid():
        messages.error(request, _("Passaggio di stato non riconosciuto: riprova dalla pagina."))
        return redirect("plans:project_detail", project.pk)
    try:
        project = step(project=project, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Il progetto ora è «%(state)s».") % {"state": project.get_state_display()},
        )
    return redirect("plans:project_detail", project.pk)


@MANAGE
def project_partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    form = PartnerForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.project_partner_add(
            project=project,
            organisation=data["organisation"],
            role=data["role"],
            by=request.user,
        ),
        success=_("Partner aggiunto."),
        next_url=project_detail_url(project),
        title=_("Aggiungi un partner a «%(project)s»") % {"project": project},
        back_url=project_detail_url(project),
        plan=project.plan,
        submit=_("Aggiungi"),
    )


@MANAGE
@require_POST
def project_partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(
        ProjectPartner.objects.filter(project__in=projects_managed_by(request.user)), pk=pk
    )
    project_pk = partner.project_id
    services.project_partner_remove(partner=partner, by=request.user)
    messages.success(request, _("Partner tolto dal progetto."))
    return redirect("plans:project_detail", project_pk)


@MANAGE
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    form = MilestoneForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.milestone_create(project=project, by=request.user, **data),
        success=_("Tappa aggiunta."),
        next_url=project_detail_url(project),
        title=_("Nuova tappa"),
        back_url=project_detail_url(project),
        plan=project.plan,
    )


@MANAGE
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        Milestone.objects.filter(project__in=projects_managed_by(request.user)), pk=pk
    )
    project = milestone.project
    form = MilestoneForm(request.POST or None, instance=milestone)
    return _form_view(
        request,
        form,
        lambda data: services.milestone_update(milestone=milestone, by=request.user, **data),
        success=_("Tappa aggiornata."),
        next_url=project_detail_url(project),
        title=_("Modifica la tappa"),
        back_url=project_detail_url(project),
        plan=project.plan,
    )


# --- actions and indicators ------------------------------------------------------------------


def _budget_intro(project: Project, action: Action | None = None) -> str:
    available = project.total_budget - services.actions_total(project, excluding=action)
    return _("Budget del progetto: %(total)s. Disponibile per questa azione: %(available)s.") % {
        "total": services.euro(project.total_budget),
        "available": services.euro(available),
    }


@MANAGE
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    form = ActionForm(request.POST or None, project=project)
    return _form_view(
        request,
        form,
        lambda data: services.action_create(
            project=project,
            by=request.user,
            comuni=data["comuni"],
            **form.service_fields(),
        ),
        success=_("Azione aggiunta: ora indica i suoi indicatori."),
        next_url=action_url,
        title=_("Nuova azione"),
        back_url=project_detail_url(project),
        plan=project.plan,
        intro=_budget_intro(project),
    )


@MANAGE
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_action(request, pk)
    project = action.project
    form = ActionForm(request.POST or None, instance=action, project=project)
    return _form_view(
        request,
        form,
        lambda data: services.action_update(
            action=action,
            by=request.user,
            comuni=data["comuni"],
            **form.service_fields(),
        ),
        success=_("Azione aggiornata."),
        next_url=action_url(action),
        title=_("Modifica l'azione"),
        back_url=project_detail_url(project),
        plan=project.plan,
        intro=_budget_intro(project, action),
    )


@MANAGE
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_action(request, pk)
    form = IndicatorForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.indicator_create(action=action, by=request.user, **data),
        success=_("Indicatore aggiunto."),
        next_url=action_url(action),
        title=_("Nuovo indicatore per «%(action)s»") % {"action": action},
        back_url=project_detail_url(action.project),
        plan=action.project.plan,
    )


@MANAGE
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.filter(
            action__project__in=projects_managed_by(request.user)
        ).select_related("action__project__plan__ats"),
        pk=pk,
    )
    action = indicator.action
    form = IndicatorForm(request.POST or None, instance=indicator)
    return _form_view(
        request,
        form,
        lambda data: services.indicator_update(indicator=indicator, by=request.user, **data),
        success=_("Indicatore aggiornato."),
        next_url=action_url(action),
        title=_("Modifica l'indicatore"),
        back_url=project_detail_url(action.project),
        plan=action.project.plan,
    )
