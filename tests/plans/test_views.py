from decimal import Decimal

import pytest
from django.urls import reverse

from equilibri.network.models import Alliance
from equilibri.plans.models import Action, ActionCategory, Indicator, Project

from .helpers import insubria_plan, milano_plan, sinergie_project, tradate_project

pytestmark = pytest.mark.django_db


def project_post(project: Project, **overrides) -> dict:
    data = {
        "kind": project.kind,
        "title": project.title,
        "alliance": project.alliance_id or "",
        "lead": project.lead_id,
        "contractor": project.contractor_id or "",
        "summary": project.summary,
        "objectives": project.objectives,
        "regional_grant": str(project.regional_grant),
        "cofinancing": str(project.cofinancing),
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "version": project.version,
    }
    data.update(overrides)
    return data


def test_plan_list_and_detail_for_the_ats_operator(login):
    client = login("operatore.insubria")
    response = client.get(reverse("plans:plan_list"))
    assert response.status_code == 200
    plan = insubria_plan()
    assert reverse("plans:plan_detail", args=[plan.pk]) in response.text
    assert reverse("plans:plan_detail", args=[milano_plan().pk]) not in response.text
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert "Ancora... ELAVOROEFAMIGLIA" in response.text
    assert "Agenti di rete" in response.text
    assert "Cifre illustrative" in response.text
    assert reverse("plans:plan_edit", args=[plan.pk]) in response.text


def test_read_only_users_see_no_edit_buttons_and_get_403(login):
    project = tradate_project()
    for persona in ("comitato.insubria", "regione", "alleanza.tradate", "hr.arca"):
        client = login(persona)
        response = client.get(reverse("plans:project_detail", args=[project.pk]))
        assert response.status_code == 200, persona
        assert reverse("plans:project_edit", args=[project.pk]) not in response.text
        assert "Passaggio di stato" not in response.text
        assert client.get(reverse("plans:project_edit", args=[project.pk])).status_code == 403
        post = client.post(reverse("plans:project_edit", args=[project.pk]), project_post(project))
        assert post.status_code == 403
    project.refresh_from_db()
    assert project.version == 1


def test_cross_ats_operator_gets_404_and_changes_nothing(login):
    project = tradate_project()
    client = login("operatore.milano")
    assert client.get(reverse("plans:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("plans:project_edit", args=[project.pk])).status_code == 404
    response = client.post(
        reverse("plans:project_edit", args=[project.pk]), project_post(project, title="Hacked")
    )
    assert response.status_code == 404
    response = client.post(
        reverse("plans:project_transition", args=[project.pk]), {"step": "report"}
    )
    assert response.status_code == 404
    action = project.actions.first()
    assert client.get(reverse("plans:action_edit", args=[action.pk])).status_code == 404
    assert client.get(reverse("plans:plan_detail", args=[project.plan_id])).status_code == 404
    project.refresh_from_db()
    assert project.title == "Ancora... ELAVOROEFAMIGLIA" and project.state == "in_progress"


def test_organisation_roles_read_only_their_projects(login):
    client = login("hr.arca")  # L'Arca is a partner of the Tradate project only
    assert (
        client.get(reverse("plans:project_detail", args=[tradate_project().pk])).status_code == 200
    )
    erba = Project.objects.get(title="Work in synergy with life")
    assert client.get(reverse("plans:project_detail", args=[erba.pk])).status_code == 404
    response = client.get(reverse("plans:plan_detail", args=[insubria_plan().pk]))
    assert "Ancora... ELAVOROEFAMIGLIA" in response.text
    assert "Work in synergy with life" not in response.text


def test_project_edit_saves_and_bumps_the_version(login):
    project = tradate_project()
    client = login("operatore.insubria")
    response = client.post(
        reverse("plans:project_edit", args=[project.pk]),
        project_post(project, summary="Nuova sintesi"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.summary == "Nuova sintesi" and project.version == 2


def test_stale_edit_keeps_the_input_and_overwrites_nothing(login):
    project = tradate_project()
    first, second = login("operatore.insubria"), login("admin")
    url = reverse("plans:project_edit", args=[project.pk])
    stale = project_post(project, title="Titolo del secondo")  # both loaded version 1
    assert first.post(url, project_post(project, title="Titolo del primo")).status_code == 302
    response = second.post(url, stale)
    assert response.status_code == 200
    assert "Il progetto è stato modificato da un altro utente mentre lo modificavi" in response.text
    assert "Titolo del secondo" in response.text  # their input is kept in the form
    project.refresh_from_db()
    assert project.title == "Titolo del primo" and project.version == 2


def test_bad_budget_input_is_refused_with_a_message(login):
    project = tradate_project()
    client = login("operatore.insubria")
    url = reverse("plans:project_edit", args=[project.pk])
    response = client.post(url, project_post(project, cofinancing="10000.00"))
    assert response.status_code == 200
    assert "Aumenta il cofinanziamento di almeno" in response.text
    response = client.post(url, project_post(project, cofinancing="-5"))
    assert "non può essere negativo" in response.text
    response = client.post(url, project_post(project, regional_grant="1,234"))
    assert response.status_code == 200
    response = client.post(url, project_post(project, regional_grant="90000.123"))
    assert "due cifre decimali" in response.text
    other = Alliance.objects.get(name="Alleanza Sud-Sud Est Milano")
    response = client.post(url, project_post(project, alliance=other.pk))
    assert "alleanza di ATS Insubria, l&#x27;ATS del piano" in response.text
    project.refresh_from_db()
    assert project.version == 1 and project.cofinancing == Decimal("30000.00")


def test_create_project_action_indicator_and_milestone(login):
    client = login("operatore.insubria")
    plan = insubria_plan()
    valcuvia = Alliance.objects.get(name="Alleanza della Valcuvia")
    response = client.post(
        reverse("plans:project_create", args=[plan.pk]),
        {
            "kind": "alliance",
            "title": "Nuovo progetto Valcuvia",
            "alliance": valcuvia.pk,
            "lead": valcuvia.lead_id,
            "regional_grant": "8000",
            "cofinancing": "2000",
        },
    )
    assert response.status_code == 302, response.text
    project = Project.objects.get(title="Nuovo progetto Valcuvia")
    category = ActionCategory.objects.get(slug="lavoro-flessibile")
    cuvio = plan.ats.comuni.get(name="Cuvio")
    url = reverse("plans:action_create", args=[project.pk])
    response = client.post(url, {"title": "Troppo", "category": category.pk, "budget": "10000.01"})
    assert response.status_code == 200
    assert "supera il budget del progetto" in response.text
    response = client.post(
        url,
        {"title": "Coworking", "category": category.pk, "budget": "9000", "comuni": [cuvio.pk]},
    )
    assert response.status_code == 302
    action = Action.objects.get(project=project, title="Coworking")
    assert list(action.comuni.all()) == [cuvio]
    response = client.post(
        reverse("plans:indicator_create", args=[action.pk]),
        {"name": "Beneficiari", "unit": "people", "target": "40", "by_gender": "on"},
    )
    assert response.status_code == 302
    assert Indicator.objects.get(action=action).by_gender
    response = client.post(
        reverse("plans:indicator_create", args=[action.pk]),
        {"name": "Ore", "unit": "hours", "target": "-3"},
    )
    assert "non può essere negativo" in response.text
    response = client.post(
        reverse("plans:milestone_create", args=[project.pk]),
        {"title": "Avvio", "due_date": "2021-01-31"},
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:project_detail", args=[project.pk]))
    assert "Coworking" in page.text and "Avvio" in page.text and "Cuvio" in page.text


def test_lifecycle_buttons_and_out_of_order_step(login):
    project = tradate_project()
    client = login("operatore.insubria")
    url = reverse("plans:project_transition", args=[project.pk])
    response = client.post(url, {"step": "close"}, follow=True)
    assert "può diventare «Chiuso» solo dallo stato «Rendicontato»" in response.text
    response = client.post(url, {"step": "report", "note": "Relazione finale"}, follow=True)
    assert "Il progetto ora è «Rendicontato»" in response.text
    project.refresh_from_db()
    assert project.state == "reported"
    assert project.events.last().note == "Relazione finale"
    assert client.get(url).status_code == 405


def test_plan_form_refuses_end_before_start(login):
    plan = insubria_plan()
    client = login("operatore.insubria")
    response = client.get(reverse("plans:plan_edit", args=[plan.pk]))
    assert response.status_code == 200
    data = {
        "title": plan.title,
        "start_year": 2020,
        "end_year": 2019,
        "alliance_share": "80",
        "min_cofinancing": "20",
        "monitoring_period_months": 6,
    }
    response = client.post(reverse("plans:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "viene prima dell&#x27;anno di inizio" in response.text
    response = client.post(reverse("plans:plan_create"), {**data, "ats": plan.ats_id})
    assert response.status_code == 200
    data["end_year"] = 2023
    data["guidance_needs"] = "Bisogni aggiornati"
    response = client.post(reverse("plans:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.guidance_needs == "Bisogni aggiornati"


def test_plan_create_offers_only_own_ats(login):
    client = login("operatore.milano")
    response = client.get(reverse("plans:plan_create"))
    assert "ATS Milano" in response.text and "ATS Insubria" not in response.text
    response = client.post(
        reverse("plans:plan_create"),
        {
            "ats": insubria_plan().ats_id,
            "title": "X",
            "start_year": 2024,
            "end_year": 2026,
            "alliance_share": "80",
            "min_cofinancing": "20",
            "monitoring_period_months": 6,
        },
    )
    assert response.status_code == 200  # not a valid choice for them


def test_plan_grants_page(login):
    plan = insubria_plan()
    client = login("operatore.insubria")
    url = reverse("plans:plan_grants", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"year": 2022, "amount": "345678.90"}).status_code == 302
    assert plan.grants.get(year=2022).amount == Decimal("345678.90")
    # Below what the projects draw: refused, the amount that would do is named.
    response = client.post(url, {"year": 2022, "amount": "123456.78"})
    assert response.status_code == 200
    assert "riduci prima il contributo regionale dei progetti" in response.text
    assert plan.grants.get(year=2022).amount == Decimal("345678.90")
    response = client.post(url, {"year": 2022, "amount": "-1"})
    assert "non può essere negativo" in response.text


def test_partner_add_and_remove(login):
    project = sinergie_project()
    client = login("operatore.milano")
    from equilibri.network.models import Organisation

    afol = Organisation.objects.get(name="AFOL Metropolitana")
    url = reverse("plans:partner_add", args=[project.pk])
    assert client.post(url, {"organisation": afol.pk, "role": "Partner"}).status_code == 302
    response = client.post(url, {"organisation": afol.pk, "role": "Partner"})
    assert "è già partner del progetto" in response.text
    response = client.post(url, {"organisation": project.lead_id})
    assert "è l&#x27;ente capofila" in response.text
    partner = project.partners.get(organisation=afol)
    assert client.get(reverse("plans:partner_remove", args=[partner.pk])).status_code == 405
    other = login("operatore.insubria")
    assert other.post(reverse("plans:partner_remove", args=[partner.pk])).status_code == 404
    assert client.post(reverse("plans:partner_remove", args=[partner.pk])).status_code == 302
    assert not project.partners.filter(organisation=afol).exists()


def test_edit_action_indicator_and_milestone(login):
    project = tradate_project()
    client = login("operatore.insubria")
    action = project.actions.order_by("pk").first()
    page = client.get(reverse("plans:action_edit", args=[action.pk]))
    assert "Disponibile per questa azione: € 19.000,00" in page.text  # 120.000 - 115.000 + 14.000
    data = {
        "title": action.title,
        "category": action.category_id,
        "target_groups": action.target_groups,
        "budget": "19000.01",
        "comuni": list(action.comuni.values_list("pk", flat=True)),
    }
    response = client.post(reverse("plans:action_edit", args=[action.pk]), data)
    assert "di € 0,01" in response.text
    data["budget"] = "19000.00"
    assert client.post(reverse("plans:action_edit", args=[action.pk]), data).status_code == 302
    action.refresh_from_db()
    assert action.budget == Decimal("19000.00")
    assert action.comuni.count() == 3

    indicator = action.indicators.order_by("pk").first()
    response = client.post(
        reverse("plans:indicator_edit", args=[indicator.pk]),
        {"name": indicator.name, "unit": "people", "target": "150", "by_gender": "on"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == Decimal("150")

    milestone = project.milestones.filter(done_on__isnull=True).first()
    response = client.post(
        reverse("plans:milestone_edit", args=[milestone.pk]),
        {
            "title": milestone.title,
            "due_date": milestone.due_date.isoformat(),
            "done_on": "2022-03-30",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on.isoformat() == "2022-03-30"


def test_the_plan_money_left_is_shown_and_a_project_beyond_it_is_refused_on_the_form(login):
    """The plan page, its grants page and the project form show what is left to allocate; a
    project asking for more is refused on the form with what is left, and nothing is saved."""
    from equilibri.core.money import format_money
    from equilibri.plans.selectors import plan_money

    client = login("operatore.insubria")
    plan = insubria_plan()
    money = plan_money(plan)
    left = format_money(money.remaining)
    for name in ("plan_detail", "plan_grants", "project_create"):
        response = client.get(reverse(f"plans:{name}", args=[plan.pk]))
        assert "Ancora da assegnare" in response.text, name
        assert left in response.text, name
    project = tradate_project()
    too_much = project.regional_grant + money.remaining + 1
    response = client.post(
        reverse("plans:project_edit", args=[project.pk]),
        project_post(project, regional_grant=str(too_much), cofinancing=str(too_much)),
    )
    assert response.status_code == 200
    assert f"restano {format_money(project.regional_grant + money.remaining)}" in response.text
    project.refresh_from_db()
    assert project.version == 1
