from decimal import Decimal

import pytest

from equilibri.plans import demo
from equilibri.plans.models import Action, Indicator, Project, ProjectPartner, TerritorialPlan

pytestmark = pytest.mark.django_db


def insubria_plan() -> TerritorialPlan:
    return TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020)


def test_insubria_plan_has_four_alliance_projects_and_agenti_di_rete():
    plan = insubria_plan()
    assert plan.end_year == 2023
    assert "DGR 2398/2019" in plan.legal_basis
    assert plan.illustrative_figures
    alliance = plan.projects.filter(kind=Project.Kind.ALLIANCE)
    assert set(alliance.values_list("alliance__name", flat=True)) == {
        "Alleanza dell'Ambito di Tradate",
        "Alleanza del Consorzio Erbese",
        "Alleanza del Medio Olona",
        "Alleanza della Valcuvia",
    }
    system = plan.projects.get(kind=Project.Kind.SYSTEM)
    assert system.title == "Agenti di rete"
    assert system.lead.name == "ATS dell'Insubria"
    assert system.contractor.name == "Variazioni s.r.l."
    seeded = plan.projects.filter(
        title__in=[
            "Ancora... ELAVOROEFAMIGLIA",
            "Work in synergy with life",
            "La conciliazione 20.20: il lavoro che cambia",
            "Coworking – patchworking Valcuvia. Cambiare il lavoro per migliorare la vita",
            "Agenti di rete",
        ]
    )
    assert seeded.count() == 5
    assert all(p.state == Project.State.IN_PROGRESS for p in seeded)
    assert plan.grants.count() == 4


def test_tradate_project_has_partners_actions_comuni_and_indicators():
    project = Project.objects.get(title="Ancora... ELAVOROEFAMIGLIA")
    assert project.lead.name == "Ufficio di Piano di Tradate"
    partners = set(project.partners.values_list("organisation__name", flat=True))
    assert {
        "Ufficio di Piano di Arcisate",
        "Ufficio di Piano di Sesto Calende",
        "L'Aquilone Coop. Soc.",
        "L'Arca Coop. Soc.",
        "Baobab Coop. Soc.",
        "Itaca Coop. Soc.",
        "CSV Insubria",
        "Rete Giunca",
    } <= partners
    slugs = set(project.actions.values_list("category__slug", flat=True))
    assert {"caregiver", "voucher", "salvatempo", "welfare-pmi", "comunicazione"} <= slugs
    assert project.actions.count() == 11
    home_care = project.actions.get(category__slug="caregiver")
    assert set(home_care.comuni.values_list("name", flat=True)) == {
        "Tradate",
        "Venegono Superiore",
        "Castelseprio",
    }
    assert Indicator.objects.filter(action__project=project).count() >= 11
    assert project.milestones.count() == 4
    assert list(project.events.values_list("state", flat=True)) == [
        "proposed",
        "evaluated",
        "approved",
        "in_progress",
    ]


def test_every_demo_budget_respects_the_plan_rules():
    for project in Project.objects.select_related("plan"):
        assert project.cofinancing_share >= project.plan.min_cofinancing, project
        spent = sum((a.budget for a in project.actions.all()), Decimal(0))
        assert spent <= project.total_budget, project
        if project.alliance_id:
            assert project.alliance.ats_id == project.plan.ats_id


def test_milano_projects():
    lybra = Project.objects.get(title__startswith="LYBRA")
    assert lybra.kind == Project.Kind.SYSTEM
    assert lybra.contractor.name == "AFOL Metropolitana"
    assert lybra.actions.count() == 3
    sinergie = Project.objects.get(title__startswith="Nuove Sinergie")
    assert sinergie.alliance.name == "Alleanza Sud-Sud Est Milano"
    assert sinergie.lead.name == "Spazio Aperto Servizi"
    assert sinergie.actions.count() == 5
    assert "6." in sinergie.objectives
    assert set(sinergie.partners.values_list("organisation__name", flat=True)) >= {
        "Piano C",
        "Centro studi Alspes",
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
    }
    old = Project.objects.get(title__startswith="Governare gli equilibri")
    assert old.state == Project.State.CLOSED
    assert (old.plan.start_year, old.plan.end_year) == (2017, 2018)
    assert old.actions.count() == 3


def test_brescia_plan_has_three_alliances_and_the_network_operators():
    plan = TerritorialPlan.objects.get(ats__code="ATS-BS", start_year=2020)
    assert plan.projects.filter(kind=Project.Kind.ALLIANCE).count() == 3
    assert plan.projects.get(kind=Project.Kind.SYSTEM).lead.name == "ATS di Brescia"


def test_load_is_idempotent():
    counts = (Project.objects.count(), Action.objects.count(), ProjectPartner.objects.count())
    demo.load()
    assert counts == (
        Project.objects.count(),
        Action.objects.count(),
        ProjectPartner.objects.count(),
    )
