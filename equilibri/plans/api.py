"""The plans' read endpoints of the JSON API: plans, projects (with the budget split) and actions,
scoped to the token's user with the same selectors as the reserved area (outside: 404)."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from equilibri.core.api import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    Id,
    IdFilter,
    Pages,
    TextFilter,
    YearFilter,
    filter_given,
)
from equilibri.network.api import Money, PartnerRef

from .models import Action, Project
from .selectors import plans_visible_to, projects_visible_to

router = Router(tags=["piani"])


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(project__in=projects_visible_to(user).values("pk")).select_related(
        "project", "category"
    )


class GrantOut(Schema):
    year: int
    amount: Money


class PlanOut(Schema):
    id: int
    title: str
    ats: str
    start_year: int
    end_year: int
    legal_basis: str
    approval_act_number: str
    approval_act_date: date | None
    alliance_share: Money
    min_cofinancing: Money
    monitoring_period_months: int
    is_public: bool
    illustrative_figures: bool

    @staticmethod
    def resolve_ats(obj) -> str:
        return obj.ats.name


class PlanDetailOut(PlanOut):
    grants: list[GrantOut]
    guidance_needs: str
    guidance_priorities: str
    guidance_strategies: str

    @staticmethod
    def resolve_grants(obj) -> list:
        return list(obj.grants.all())


class ProjectOut(Schema):
    id: int
    plan_id: int
    kind: str
    title: str
    alliance_id: int | None
    alliance: str | None
    lead_id: int
    lead: str
    state: str
    start_date: date | None
    end_date: date | None
    regional_grant: Money
    cofinancing: Money
    total_budget: Money
    cofinancing_share: Money

    @staticmethod
    def resolve_alliance(obj) -> str | None:
        return obj.alliance.name if obj.alliance_id else None

    @staticmethod
    def resolve_lead(obj) -> str:
        return obj.lead.name


# A project's partner (no docstring: it would become the schema's description).
class PartnerOut(PartnerRef):
    pass


class ProjectDetailOut(ProjectOut):
    summary: str
    objectives: str
    contractor: str | None
    partners: list[PartnerOut]
    action_ids: list[int]

    @staticmethod
    def resolve_contractor(obj) -> str | None:
        return obj.contractor.name if obj.contractor_id else None

    @staticmethod
    def resolve_partners(obj) -> list:
        return list(obj.partners.select_related("organisation"))

    @staticmethod
    def resolve_action_ids(obj) -> list[int]:
        return list(obj.actions.values_list("pk", flat=True))


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    target: Money
    by_gender: bool


class ComuneOut(Schema):
    istat_code: str
    name: str


class ActionOut(Schema):
    id: int
    project_id: int
    title: str
    category: str
    category_slug: str
    target_groups: str
    budget: Money

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_category_slug(obj) -> str:
        return obj.category.slug


class ActionDetailOut(ActionOut):
    description: str
    comuni: list[ComuneOut]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_comuni(obj) -> list:
        return list(obj.comuni.order_by("name"))

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())


@router.get("/plans", response={200: list[PlanOut], **LIST_ERRORS}, summary="Piani territoriali")
@paginate(Pages, page_size=50)
def list_plans(request, ats: IdFilter = None, year: YearFilter = None):
    qs = plans_visible_to(request.auth).order_by("-start_year", "ats__name", "pk")
    return filter_given(qs, ats_id=ats, start_year__lte=year, end_year__gte=year)


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **DETAIL_ERRORS})
def get_plan(request, plan_id: Id):
    return get_object_or_404(plans_visible_to(request.auth), pk=plan_id)


@router.get("/projects", response={200: list[ProjectOut], **LIST_ERRORS}, summary="Progetti")
@paginate(Pages, page_size=50)
def list_projects(
    request,
    plan: IdFilter = None,
    alliance: IdFilter = None,
    state: Project.State | None = None,
):
    qs = projects_visible_to(request.auth).order_by("plan_id", "title", "pk")
    return filter_given(qs, plan_id=plan, alliance_id=alliance, state=state)


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **DETAIL_ERRORS})
def get_project(request, project_id: Id):
    return get_object_or_404(projects_visible_to(request.auth), pk=project_id)


@router.get("/actions", response={200: list[ActionOut], **LIST_ERRORS}, summary="Azioni")
@paginate(Pages, page_size=50)
def list_actions(request, project: IdFilter = None, category: TextFilter = None):
    qs = actions_visible_to(request.auth).order_by("project_id", "pk")
    return filter_given(qs, project_id=project, category__slug=category)


@router.get("/actions/{action_id}", response={200: ActionDetailOut, **DETAIL_ERRORS})
def get_action(request, action_id: Id):
    return get_object_or_404(actions_visible_to(request.auth), pk=action_id)
