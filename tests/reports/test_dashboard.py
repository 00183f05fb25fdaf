import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from equilibri.reports import selectors

D = Decimal


def test_dashboard_figures(mini_plan, user_of):
    data = selectors.dashboard(user_of("operatore.insubria"), mini_plan.plan)
    by_title = {f.project.title: f for f in data.projects}
    assert data.budget == D("75000")
    assert data.regional_grant == D("60000")
    assert by_title["Progetto di prova alleanza"].spent == D("10000")  # latest received report
    assert by_title["=Azione di sistema di prova"].spent == D("3000")
    assert data.spent == D("13000")
    assert data.spent_percent == D("17.3")
    categories = {c.category.slug: c for c in data.categories}
    assert (categories["caregiver"].budget, categories["caregiver"].spent) == (D(55000), D(11000))
    assert (categories["salvatempo"].budget, categories["salvatempo"].spent) == (D(20000), D(2000))
    indicators = {f.indicator.name: f for f in data.indicators}
    assert indicators["Caregiver raggiunti"].value == D(60)
    assert indicators["Caregiver raggiunti"].percent == D("60.0")
    assert indicators["Ore di formazione"].percent == D("25.0")
    assert (data.gender.women, data.gender.men) == (D(40), D(20))
    assert [c.name for c in data.comuni] == ["Como", "Tradate", "Varese"]
    # The alliance project's draft and the returned system action report are past due.
    assert data.reports_overdue == 2
    assert data.illustrative


def test_alliance_lead_sees_only_their_projects(mini_plan, user_of):
    data = selectors.dashboard(user_of("alleanza.tradate"), mini_plan.plan)
    assert [f.project for f in data.projects] == [mini_plan.alliance_project]
    assert data.spent == D("10000")
    assert [c.name for c in data.comuni] == ["Tradate", "Varese"]


def test_dashboard_page_has_a_table_beside_every_chart(mini_plan, login):
    response = login("operatore.insubria").get(
        reverse("reports:dashboard"), {"piano": mini_plan.plan.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    canvases = re.findall(r'<canvas data-chart="([^"]+)"', html)
    assert len(canvases) == 4
    for data_id in canvases:
        match = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
        assert match, data_id
        spec = json.loads(match.group(1))
        assert spec["labels"] and spec["datasets"]
    for table in ("projects", "categories", "indicators", "gender", "comuni", "monitoring"):
        assert f'id="table-{table}"' in html
    # The comuni map is a server-side SVG with one blue dot per comune covered.
    assert html.count("<title>Tradate</title>") == 1
    assert 'role="img"' in html
    # No inline script (CSP): only src scripts and JSON data blocks.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html
    assert "13.000,00" in html  # spent, Italian format
    assert reverse("reports:plan_report_pdf", args=[mini_plan.plan.pk]) in html


def test_dashboard_without_filter_sums_visible_plans(mini_plan, login):
    response = login("operatore.insubria").get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "Progetto di prova alleanza" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["operatore.milano", "comitato.brescia", "alleanza.sudestmilano"]
)
def test_plan_of_another_ats_is_404(mini_plan, login, persona):
    response = login(persona).get(reverse("reports:dashboard"), {"piano": mini_plan.plan.pk})
    assert response.status_code == 404


def test_other_ats_dashboard_does_not_count_insubria(mini_plan, login):
    html = login("operatore.milano").get(reverse("reports:dashboard")).content.decode()
    assert "Progetto di prova alleanza" not in html


def test_bad_filter_is_404(login):
    client = login("regione")
    assert client.get(reverse("reports:dashboard"), {"piano": "abc"}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"piano": "999999"}).status_code == 404


def test_regional_viewer_sees_every_plan(mini_plan, login):
    response = login("regione").get(reverse("reports:dashboard"), {"piano": mini_plan.plan.pk})
    assert response.status_code == 200


def test_api_token_page(login):
    client = login("operatore.insubria")
    page = client.get(reverse("reports:api_token"))
    assert page.status_code == 200
    assert 'id="api-token"' not in page.content.decode()  # no token until asked
    response = client.post(reverse("reports:api_token"))
    assert response.status_code == 200
    assert 'id="api-token"' in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_beneficiaries_by_gender_count_every_category_of_the_platform(mini_plan, user_of, login):
    """Other and not-stated beneficiaries (core.genders) are added up and shown, not dropped."""
    from equilibri.plans.models import IndicatorValue

    IndicatorValue.objects.filter(indicator__name="Caregiver raggiunti", women=D(40)).update(
        women=D(35), men=D(18), other_gender=D(3), gender_unspecified=D(4)
    )
    data = selectors.dashboard(user_of("operatore.insubria"), mini_plan.plan)
    gender = data.gender
    assert (gender.women, gender.men, gender.other_gender, gender.gender_unspecified) == (
        D(35),
        D(18),
        D(3),
        D(4),
    )
    assert gender.total == D(60)
    page = login("operatore.insubria").get(
        reverse("reports:dashboard") + f"?piano={mini_plan.plan.pk}"
    )
    assert "Non indicato" in page.text
