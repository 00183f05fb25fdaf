"""Plans, projects and committees as each user may see them. Public pages use the `public_*`
functions; the reserved area uses `*_visible_to(user)`: outside the scope is a 404."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from equilibri.accounts.roles import Role, ats_ids_for, is_region_wide, object_ids_for

from .models import Committee, PlanGrant, Project, TerritorialPlan

# Roles that read every plan and project of their ATS.
ATS_READERS = (Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER)


def public_plans() -> QuerySet[TerritorialPlan]:
    return TerritorialPlan.objects.filter(is_public=True).select_related("ats")


def plans_visible_to(user) -> QuerySet[TerritorialPlan]:
    qs = TerritorialPlan.objects.select_related("ats")
    if is_region_wide(user):
        return qs
    project_plans = projects_visible_to(user).values("plan_id")
    return qs.filter(Q(ats_id__in=ats_ids_for(user, *ATS_READERS)) | Q(pk__in=project_plans))


def projects_visible_to(user) -> QuerySet[Project]:
    """ATS operators and committee members: their ATS; alliance leads: their alliances' projects;
    organisation roles: projects their organisation leads or is a partner of."""
    qs = Project.objects.select_related("plan__ats", "alliance", "lead", "contractor")
    if is_region_wide(user):
        return qs
    orgs = object_ids_for(user, Role.ORG_ADMIN) | object_ids_for(user, Role.PROVIDER_OPERATOR)
    return qs.filter(
        Q(plan__ats_id__in=ats_ids_for(user, *ATS_READERS))
        | Q(alliance_id__in=object_ids_for(user, Role.ALLIANCE_LEAD))
        | Q(lead_id__in=orgs)
        | Q(partners__organisation_id__in=orgs)
    ).distinct()


def plans_managed_by(user) -> QuerySet[TerritorialPlan]:
    """Plans the user may change: ATS operators of the plan's ATS (and superusers)."""
    qs = TerritorialPlan.objects.select_related("ats")
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def projects_managed_by(user) -> QuerySet[Project]:
    return Project.objects.filter(plan__in=plans_managed_by(user)).select_related(
        "plan__ats", "alliance", "lead", "contractor"
    )


def projects_reported_by(user) -> QuerySet[Project]:
    """Projects whose monitoring reports the user files: the alliance's lead (or the system
    action's lead organisation) for alliance leads and the lead's organisation admins."""
    orgs = object_ids_for(user, Role.ORG_ADMIN)
    return Project.objects.filter(
        Q(alliance_id__in=object_ids_for(user, Role.ALLIANCE_LEAD)) | Q(lead_id__in=orgs)
    ).select_related("plan__ats", "alliance", "lead")


def committees_visible_to(user) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("ats")
    if is_region_wide(user):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, *ATS_READERS))


def public_projects() -> QuerySet[Project]:
    """Projects of published plans (the public pages), once approved: proposals under
    evaluation are not public."""
    S = Project.State
    return Project.objects.filter(
        plan__is_public=True, state__in=[S.APPROVED, S.IN_PROGRESS, S.REPORTED, S.CLOSED]
    ).select_related("plan__ats", "alliance", "lead", "contractor")


@dataclass(frozen=True)
class PlanMoney:
    """A plan's regional money: the yearly grants added up, what its projects draw of it, and
    what is left to allocate (negative only for data older than the check)."""

    granted: Decimal
    allocated: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.granted - self.allocated


def plan_money(plan: TerritorialPlan, *, excluding: Project | None = None) -> PlanMoney:
    """`excluding`: a project whose own grant is left out of `allocated` (the one being edited)."""
    projects = Project.objects.filter(plan_id=plan.pk)
    if excluding is not None and excluding.pk:
        projects = projects.exclude(pk=excluding.pk)
    zero = Decimal("0.00")
    granted = PlanGrant.objects.filter(plan_id=plan.pk).aggregate(t=Sum("amount"))["t"] or zero
    allocated = projects.aggregate(t=Sum("regional_grant"))["t"] or zero
    return PlanMoney(granted=granted, allocated=allocated)
