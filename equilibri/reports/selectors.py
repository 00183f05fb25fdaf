"""The figures of the dashboards, exports and plan reports, always computed from the scoped
selectors of plans and network: a user only ever counts what they may see.

Spending is "to date": each monitoring report declares the spending of its project so far, so a
project's spending is the sum of the expenditures (accepted or still to be checked; rejected ones
do not count) of its latest report that reached the ATS (submitted, accepted or returned; drafts
are not counted). An indicator's value is the one of the latest such report that has one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from equilibri.core.money import MoneyField, money_value
from equilibri.plans.models import (
    Action,
    ActionCategory,
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PlanGrant,
    Project,
    TerritorialPlan,
)
from equilibri.plans.selectors import plans_visible_to, projects_visible_to
from equilibri.territory.models import Comune

ZERO = Decimal("0.00")
COUNTED_EXPENDITURE = (Expenditure.Check.ACCEPTED, Expenditure.Check.PENDING)
# Reports that reached the ATS: their figures count.
RECEIVED_REPORT = (
    MonitoringReport.State.SUBMITTED,
    MonitoringReport.State.ACCEPTED,
    MonitoringReport.State.RETURNED,
)
OPEN_REPORT = (MonitoringReport.State.DRAFT, MonitoringReport.State.RETURNED)


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def dashboard_plans(user) -> QuerySet[TerritorialPlan]:
    return plans_visible_to(user).order_by("-start_year", "ats__name", "title")


def projects_in_scope(user, plan: TerritorialPlan | None = None) -> QuerySet[Project]:
    qs = projects_visible_to(user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("plan__ats__name", "-plan__start_year", "kind", "title")


def actions_in_scope(user, plan: TerritorialPlan | None = None) -> QuerySet[Action]:
    return (
        Action.objects.filter(project__in=projects_in_scope(user, plan).values("pk"))
        .select_related("project__plan__ats", "category")
        .order_by("project__plan__ats__name", "project__title", "pk")
    )


def indicators_in_scope(user, plan: TerritorialPlan | None = None) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(action__project__in=projects_in_scope(user, plan).values("pk"))
        .select_related("action__project", "action__category")
        .order_by("action__project__title", "action__pk", "pk")
    )


def reports_in_scope(user, plan: TerritorialPlan | None = None) -> QuerySet[MonitoringReport]:
    return (
        MonitoringReport.objects.filter(project__in=projects_in_scope(user, plan).values("pk"))
        .select_related("project")
        .annotate(
            declared=Coalesce(Sum("expenditures__amount"), money_value(ZERO)),
            accepted=Coalesce(
                Sum(
                    "expenditures__amount",
                    filter=Q(expenditures__check_state=Expenditure.Check.ACCEPTED),
                ),
                money_value(ZERO),
            ),
        )
        .order_by("project__title", "period_start")
    )


def plans_for_export(user, plan: TerritorialPlan | None = None) -> QuerySet[TerritorialPlan]:
    from django.db.models import Count

    grants = (
        PlanGrant.objects.filter(plan=OuterRef("pk"))
        .values("plan")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = dashboard_plans(user).annotate(
        grants_total=Subquery(grants, output_field=MoneyField()),
        projects_count=Count("projects", distinct=True),
    )
    return qs.filter(pk=plan.pk) if plan is not None else qs


def latest_received_reports(project_ids) -> dict[int, MonitoringReport]:
    """The latest report of each project that reached the ATS."""
    latest: dict[int, MonitoringReport] = {}
    for report in MonitoringReport.objects.filter(
        project_id__in=list(project_ids), state__in=RECEIVED_REPORT
    ).order_by("period_start", "pk"):
        latest[report.project_id] = report
    return latest


def latest_reports(project_ids) -> dict[int, MonitoringReport]:
    """The latest report of each project, whatever its state (the monitoring status)."""
    latest: dict[int, MonitoringReport] = {}
    for report in MonitoringReport.objects.filter(project_id__in=list(project_ids)).order_by(
        "period_start", "pk"
    ):
        latest[report.project_id] = report
    return latest


def _counted_expenditures(report_ids) -> QuerySet[Expenditure]:
    return Expenditure.objects.filter(
        report_id__in=list(report_ids), check_state__in=COUNTED_EXPENDITURE
    )


@dataclass
class ProjectFigures:
    project: Project
    spent: Decimal = ZERO
    latest_report: MonitoringReport | None = None  # any state
    reports_count: int = 0

    @property
    def budget(self) -> Decimal:
        return self.project.total_budget

    @property
    def spent_percent(self) -> Decimal | None:
        return percent(self.spent, self.budget)

    @property
    def report_overdue(self) -> bool:
        report = self.latest_report
        return bool(
            report and report.state in OPEN_REPORT and report.due_date < timezone.localdate()
        )


def project_figures(user, plan: TerritorialPlan | None = None) -> list[ProjectFigures]:
    projects = list(projects_in_scope(user, plan))
    ids = [p.pk for p in projects]
    received = latest_received_reports(ids)
    spent: dict[int, Decimal] = {
        row["report__project_id"]: row["total"]
        for row in _counted_expenditures(r.pk for r in received.values())
        .values("report__project_id")
        .annotate(total=Sum("amount"))
    }
    latest = latest_reports(ids)
    counts: dict[int, int] = defaultdict(int)
    for project_id in MonitoringReport.objects.filter(project_id__in=ids).values_list(
        "project_id", flat=True
    ):
        counts[project_id] += 1
    return [
        ProjectFigures(
            project=p,
            spent=spent.get(p.pk, ZERO),
            latest_report=latest.get(p.pk),
            reports_count=counts[p.pk],
        )
        for p in projects
    ]


@dataclass
class CategoryFigures:
    category: ActionCategory
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    actions_count: int = 0

    @property
    def spent_percent(self) -> Decimal | None:
        return percent(self.spent, self.budget)


def category_figures(user, plan: TerritorialPlan | None = None) -> list[CategoryFigures]:
    """Action budgets and spending by regional area of intervention (only areas in use)."""
    actions = actions_in_scope(user, plan)
    by_category: dict[int, CategoryFigures] = {}
    for action in actions:
        figures = by_category.setdefault(
            action.category_id, CategoryFigures(category=action.category)
        )
        figures.budget += action.budget
        figures.actions_count += 1
    project_ids = actions.values_list("project_id", flat=True).distinct()
    received = latest_received_reports(project_ids)
    for row in (
        _counted_expenditures(r.pk for r in received.values())
        .values("action__category_id")
        .annotate(total=Sum("amount"))
    ):
        found = by_category.get(row["action__category_id"])
        if found is not None:
            found.spent += row["total"]
    return sorted(by_category.values(), key=lambda f: (f.category.order, f.category.name))


@dataclass
class IndicatorFigures:
    indicator: Indicator
    value: Decimal | None = None
    women: Decimal | None = None
    men: Decimal | None = None
    other_gender: Decimal | None = None
    gender_unspecified: Decimal | None = None
    report: MonitoringReport | None = None

    @property
    def percent(self) -> Decimal | None:
        return percent(self.value, self.indicator.target)


def indicator_figures(user, plan: TerritorialPlan | None = None) -> list[IndicatorFigures]:
    indicators = list(indicators_in_scope(user, plan))
    figures = {i.pk: IndicatorFigures(indicator=i) for i in indicators}
    values = (
        IndicatorValue.objects.filter(
            indicator_id__in=list(figures), report__state__in=RECEIVED_REPORT
        )
        .select_related("report__project")
        .order_by("report__period_start", "report__pk")
    )
    for value in values:  # the latest report wins
        f = figures[value.indicator_id]
        f.value, f.women, f.men, f.report = value.value, value.women, value.men, value.report
        f.other_gender, f.gender_unspecified = value.other_gender, value.gender_unspecified
    return [figures[i.pk] for i in indicators]


@dataclass
class GenderFigures:
    """In the platform's categories (core.genders)."""

    women: Decimal = ZERO
    men: Decimal = ZERO
    other_gender: Decimal = ZERO
    gender_unspecified: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.women + self.men + self.other_gender + self.gender_unspecified

    @property
    def other_gender_percent(self) -> Decimal | None:
        return percent(self.other_gender, self.total)

    @property
    def gender_unspecified_percent(self) -> Decimal | None:
        return percent(self.gender_unspecified, self.total)

    @property
    def women_percent(self) -> Decimal | None:
        return percent(self.women, self.total)

    @property
    def men_percent(self) -> Decimal | None:
        return percent(self.men, self.total)


def gender_figures(indicators: list[IndicatorFigures]) -> GenderFigures:
    """Beneficiaries by gender: each category of the latest values of people indicators."""
    totals = GenderFigures()
    for f in indicators:
        if f.indicator.unit != Indicator.Unit.PEOPLE:
            continue
        totals.women += f.women or ZERO
        totals.men += f.men or ZERO
        totals.other_gender += f.other_gender or ZERO
        totals.gender_unspecified += f.gender_unspecified or ZERO
    return totals


def comuni_covered(user, plan: TerritorialPlan | None = None) -> QuerySet[Comune]:
    return (
        Comune.objects.filter(actions__in=actions_in_scope(user, plan).values("pk"))
        .select_related("ats")
        .distinct()
        .order_by("name")
    )


@dataclass
class Dashboard:
    plan: TerritorialPlan | None
    projects: list[ProjectFigures]
    categories: list[CategoryFigures]
    indicators: list[IndicatorFigures]
    gender: GenderFigures
    comuni: list[Comune]
    grants: list[PlanGrant] = field(default_factory=list)

    @property
    def regional_grant(self) -> Decimal:
        return sum((f.project.regional_grant for f in self.projects), ZERO)

    @property
    def cofinancing(self) -> Decimal:
        return sum((f.project.cofinancing for f in self.projects), ZERO)

    @property
    def budget(self) -> Decimal:
        return self.regional_grant + self.cofinancing

    @property
    def spent(self) -> Decimal:
        return sum((f.spent for f in self.projects), ZERO)

    @property
    def spent_percent(self) -> Decimal | None:
        return percent(self.spent, self.budget)

    @property
    def category_budget(self) -> Decimal:
        return sum((c.budget for c in self.categories), ZERO)

    @property
    def category_spent(self) -> Decimal:
        return sum((c.spent for c in self.categories), ZERO)

    @property
    def reports_overdue(self) -> int:
        return sum(1 for f in self.projects if f.report_overdue)

    @property
    def illustrative(self) -> bool:
        if self.plan is not None:
            return self.plan.illustrative_figures
        return any(f.project.plan.illustrative_figures for f in self.projects)


def dashboard(user, plan: TerritorialPlan | None = None) -> Dashboard:
    indicators = indicator_figures(user, plan)
    return Dashboard(
        plan=plan,
        projects=project_figures(user, plan),
        categories=category_figures(user, plan),
        indicators=indicators,
        gender=gender_figures(indicators),
        comuni=list(comuni_covered(user, plan)),
        grants=list(plan.grants.all()) if plan is not None else [],
    )
