"""A small plan with known figures, built in the test (independent of the demo's numbers)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from equilibri.network.models import Alliance, Organisation
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
from equilibri.territory.models import ATS, Comune

D = Decimal
ACC, PEN, REJ = Expenditure.Check.ACCEPTED, Expenditure.Check.PENDING, Expenditure.Check.REJECTED


@dataclass
class MiniPlan:
    plan: TerritorialPlan
    alliance_project: Project
    system_project: Project
    actions: dict
    indicators: dict
    cat1: ActionCategory
    cat2: ActionCategory


def _report(project, start, end, state, expenditures=(), values=()):
    report = MonitoringReport.objects.create(
        project=project, period_start=start, period_end=end, due_date=end, state=state
    )
    for action, amount, check in expenditures:
        Expenditure.objects.create(
            report=report, action=action, description="spesa", amount=D(amount), check_state=check
        )
    for indicator, value, women, men in values:
        IndicatorValue.objects.create(
            report=report,
            indicator=indicator,
            value=D(value),
            women=None if women is None else D(women),
            men=None if men is None else D(men),
        )
    return report


@pytest.fixture
def mini_plan(db) -> MiniPlan:
    """ATS Insubria, 2 projects. Expected: budget 75,000 (60,000 grant + 15,000 co-financing);
    spent 13,000 (alliance 10,000 + system 3,000); categories: cat1 budget 55,000 spent 11,000,
    cat2 budget 20,000 spent 2,000; indicators 60/100 (40 women, 20 men) and 50/200; 3 comuni."""
    ats = ATS.objects.get(code="ATS-INS")
    plan = TerritorialPlan.objects.create(
        ats=ats,
        title="Piano di prova cruscotto",
        start_year=2024,
        end_year=2025,
        illustrative_figures=True,
    )
    PlanGrant.objects.create(plan=plan, year=2024, amount=D("60000"))
    cat1 = ActionCategory.objects.get(slug="caregiver")
    cat2 = ActionCategory.objects.get(slug="salvatempo")
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    aquilone = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    a = Project.objects.create(
        plan=plan,
        kind=Project.Kind.ALLIANCE,
        title="Progetto di prova alleanza",
        alliance=alliance,
        lead=alliance.lead,
        regional_grant=D("40000"),
        cofinancing=D("10000"),
        state=Project.State.IN_PROGRESS,
    )
    b = Project.objects.create(
        plan=plan,
        kind=Project.Kind.SYSTEM,
        title="=Azione di sistema di prova",
        lead=aquilone,
        regional_grant=D("20000"),
        cofinancing=D("5000"),
        state=Project.State.IN_PROGRESS,
    )
    tradate, varese, como = (Comune.objects.get(name=n) for n in ("Tradate", "Varese", "Como"))
    a1 = Action.objects.create(project=a, title="Azione A1", category=cat1, budget=D("30000"))
    a1.comuni.set([tradate, varese])
    a2 = Action.objects.create(project=a, title="Azione A2", category=cat2, budget=D("20000"))
    a2.comuni.set([tradate])
    b1 = Action.objects.create(project=b, title="Azione B1", category=cat1, budget=D("25000"))
    b1.comuni.set([como])
    i1 = Indicator.objects.create(
        action=a1,
        name="Caregiver raggiunti",
        unit=Indicator.Unit.PEOPLE,
        target=D(100),
        by_gender=True,
    )
    i2 = Indicator.objects.create(
        action=b1, name="Ore di formazione", unit=Indicator.Unit.HOURS, target=D(200)
    )
    S = MonitoringReport.State
    _report(
        a,
        date(2024, 1, 1),
        date(2024, 6, 30),
        S.ACCEPTED,
        [(a1, "5000", ACC), (a2, "1000", REJ)],
        [(i1, "40", "25", "15")],
    )
    _report(
        a,
        date(2024, 7, 1),
        date(2024, 12, 31),
        S.SUBMITTED,
        [(a1, "8000", PEN), (a2, "2000", ACC), (a2, "500", REJ)],
        [(i1, "60", "40", "20")],
    )
    # A draft never counts (and it is overdue).
    _report(
        a,
        date(2025, 1, 1),
        date(2025, 6, 30),
        S.DRAFT,
        [(a1, "99999", ACC)],
        [(i1, "999", "500", "499")],
    )
    _report(
        b,
        date(2024, 1, 1),
        date(2024, 12, 31),
        S.RETURNED,
        [(b1, "3000", ACC)],
        [(i2, "50", None, None)],
    )
    return MiniPlan(plan, a, b, {"a1": a1, "a2": a2, "b1": b1}, {"i1": i1, "i2": i2}, cat1, cat2)
