"""Reserved area: territorial plans, projects, actions, indicators and milestones.

Reading: `plans.read` and the object within `*_visible_to(user)` (else 404).
Changing: `plans.manage` (ATS operators, superusers; else 403) and the object within
`*_managed_by(user)` (another ATS: 404, the same as missing).
"""

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
from equilibri.core.forms import apply_errors
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
    plans_managed_by,
    plans_visible_to,
    projects_managed_by,
    projects_visible_to,
)

READ = staff_permission_required("plans.read")
MANAGE = staff_permission_required("plans.manage")


def _form_page(request, form, *, title, back_url, plan, submit=None, intro=""):
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
        },
    )


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
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        ats = fields.pop("ats")
        try:
            plan = services.plan_create(ats=ats, by=user, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Piano creato."))
            return redirect("plans:plan_detail", plan.pk)
    return _form_page(
        request,
        form,
        title=_("Nuovo piano territoriale"),
        back_url=reverse("plans:plan_list"),
        plan=None,
        submit=_("Crea il piano"),
    )


@MANAGE
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Piano aggiornato."))
            return redirect("plans:plan_detail", plan.pk)
    return _form_page(
        request, form, title=_("Modifica il piano"), back_url=plan_detail_url(plan), plan=plan
    )


def plan_detail_url(plan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])


def project_detail_url(project) -> str:
    return reverse("plans:project_detail", args=[project.pk])


@MANAGE
def plan_grants(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = PlanGrantForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_grant_set(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Contributo per il %(year)s salvato.") % {"year": form.cleaned_data["year"]},
            )
            return redirect("plans:plan_grants", plan.pk)
    return render(
        request, "plans/plan_grants.html", {"plan": plan, "form": form, "grants": plan.grants.all()}
    )


# --- projects --------------------------------------------------------------------------------


@MANAGE
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_managed_by(request.user), pk=pk)
    form = ProjectForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(plan=plan, by=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Progetto creato: ora aggiungi partner e azioni."))
            return redirect("plans:project_detail", project.pk)
    return _form_page(
        request,
        form,
        title=_("Nuovo progetto"),
        back_url=plan_detail_url(plan),
        plan=plan,
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
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            services.project_update(
                project=project,
                version=version if version is not None else -1,
                by=request.user,
                **form.service_fields(),
            )
        except ValidationError as error:
            # The input stays in the form; nothing of the other editor's changes is lost.
            apply_errors(form, error)
        else:
            messages.success(request, _("Progetto aggiornato."))
            return redirect("plans:project_detail", project.pk)
    return _form_page(
        request,
        form,
        title=_("Modifica il progetto"),
        back_url=project_detail_url(project),
        plan=project.plan,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.project_partner_add(
                project=project,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Partner aggiunto."))
            return redirect("plans:project_detail", project.pk)
    return _form_page(
        request,
        form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Tappa aggiunta."))
            return redirect("plans:project_detail", project.pk)
    return _form_page(
        request,
        form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Tappa aggiornata."))
            return redirect("plans:project_detail", project.pk)
    return _form_page(
        request,
        form,
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
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                project=project,
                by=request.user,
                comuni=form.cleaned_data["comuni"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Azione aggiunta: ora indica i suoi indicatori."))
            return redirect(f"{project_detail_url(project)}#azione-{action.pk}")
    return _form_page(
        request,
        form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                by=request.user,
                comuni=form.cleaned_data["comuni"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Azione aggiornata."))
            return redirect(f"{project_detail_url(project)}#azione-{action.pk}")
    return _form_page(
        request,
        form,
        title=_("Modifica l'azione"),
        back_url=project_detail_url(project),
        plan=project.plan,
        intro=_budget_intro(project, action),
    )


@MANAGE
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_action(request, pk)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Indicatore aggiunto."))
            return redirect(f"{project_detail_url(action.project)}#azione-{action.pk}")
    return _form_page(
        request,
        form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Indicatore aggiornato."))
            return redirect(f"{project_detail_url(action.project)}#azione-{action.pk}")
    return _form_page(
        request,
        form,
        title=_("Modifica l'indicatore"),
        back_url=project_detail_url(action.project),
        plan=action.project.plan,
    )
