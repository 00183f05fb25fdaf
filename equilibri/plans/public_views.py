"""Public pages: the published territorial plans of each ATS, their projects, what they offer and
where. Only organisations and figures are shown: no personal data."""

from collections import OrderedDict

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from equilibri.territory.models import Comune

from .models import Action, Project
from .selectors import public_plans, public_projects


def ats_plans(request: HttpRequest) -> HttpResponse:
    plans = public_plans().order_by("ats__name", "-start_year")
    groups: OrderedDict = OrderedDict()
    for plan in plans:
        groups.setdefault(plan.ats, []).append(plan)
    return render(request, "plans/public_index.html", {"groups": groups.items()})


def _actions(projects) -> list[Action]:
    return list(
        Action.objects.filter(project__in=projects)
        .select_related("category", "project")
        .prefetch_related(Prefetch("comuni", queryset=Comune.objects.order_by("name")))
        .order_by("category__order", "category__name", "project__title", "pk")
    )


def _by_category(actions: list[Action]) -> list[tuple]:
    groups: OrderedDict = OrderedDict()
    for action in actions:
        groups.setdefault(action.category, []).append(action)
    return list(groups.items())


def _comuni(actions: list[Action]) -> list[Comune]:
    seen = {c.pk: c for action in actions for c in action.comuni.all()}
    return sorted(seen.values(), key=lambda c: c.name)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(public_plans(), pk=pk)
    projects = list(
        public_projects()
        .filter(plan=plan)
        .prefetch_related("partners__organisation")
        .order_by("kind", "title")
    )
    actions = _actions(projects)
    grants = list(plan.grants.all())
    return render(
        request,
        "plans/public_plan.html",
        {
            "plan": plan,
            "projects": projects,
            "alliance_projects": [p for p in projects if p.kind == Project.Kind.ALLIANCE],
            "system_projects": [p for p in projects if p.kind == Project.Kind.SYSTEM],
            "grants": grants,
            "grants_total": sum((g.amount for g in grants), 0),
            "by_category": _by_category(actions),
            "comuni": _comuni(actions),
        },
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(public_projects(), pk=pk)
    actions = list(
        project.actions.select_related("category")
        .prefetch_related(
            Prefetch("comuni", queryset=Comune.objects.order_by("name")), "indicators"
        )
        .order_by("pk")
    )
    return render(
        request,
        "plans/public_project.html",
        {
            "project": project,
            "plan": project.plan,
            "partners": project.partners.select_related("organisation__comune"),
            "actions": actions,
            "comuni": _comuni(actions),
            "milestones": project.milestones.all(),
        },
    )
