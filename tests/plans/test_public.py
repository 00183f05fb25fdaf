import pytest
from django.urls import reverse

from equilibri.plans.models import Project

from .helpers import insubria_plan, milano_plan, tradate_project

pytestmark = pytest.mark.django_db


def test_index_groups_public_plans_by_ats(client):
    response = client.get(reverse("plans_public:index"))
    assert response.status_code == 200
    text = response.text
    assert "ATS dell&#x27;Insubria" in text
    assert "ATS della Città Metropolitana di Milano" in text
    assert reverse("plans_public:plan_detail", args=[insubria_plan().pk]) in text
    assert "2017–2018" in text


def test_unpublished_plan_is_404(client):
    plan = milano_plan()
    plan.is_public = False
    plan.save()
    assert client.get(reverse("plans_public:plan_detail", args=[plan.pk])).status_code == 404
    project = Project.objects.get(title__startswith="Nuove Sinergie")
    assert client.get(reverse("plans_public:project_detail", args=[project.pk])).status_code == 404
    assert (
        reverse("plans_public:plan_detail", args=[plan.pk])
        not in client.get(reverse("plans_public:index")).text
    )


def test_plan_page_shows_legal_basis_grants_projects_offer_and_where(client):
    plan = insubria_plan()
    response = client.get(reverse("plans_public:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    text = response.text
    assert "DGR 2398/2019" in text
    assert "2020–2023" in text
    assert "Cifre illustrative" in text
    assert "95.000,00" in text  # the 2020 grant
    assert "Documento territoriale di indirizzo" in text and "WHP" in text
    for title in ("Ancora... ELAVOROEFAMIGLIA", "Work in synergy with life", "Agenti di rete"):
        assert title in text
    assert "Alleanza della Valcuvia" in text
    assert "Servizi salvatempo" in text  # what they offer, by category
    assert "Castelseprio" in text and "Cuvio" in text  # where
    assert "<caption>" in text
    # No personal data: no operator names or e-mail addresses.
    assert "@" not in text.split("<main", 1)[1].split("</main>", 1)[0]


def test_project_page(client):
    project = tradate_project()
    response = client.get(reverse("plans_public:project_detail", args=[project.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Ufficio di Piano di Tradate" in text
    assert "Baobab Coop. Soc." in text
    assert "Family voucher" in text and "Venegono Superiore" in text
    assert 'scope="col"' in text and "<caption>" in text
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "@" not in main


def test_proposals_are_not_public(client):
    plan = insubria_plan()
    proposal = plan.projects.create(
        title="Proposta riservata",
        kind="system",
        lead=tradate_project().lead,
        state=Project.State.PROPOSED,
    )
    assert client.get(reverse("plans_public:project_detail", args=[proposal.pk])).status_code == 404
    page = client.get(reverse("plans_public:plan_detail", args=[plan.pk])).text
    assert "Proposta riservata" not in page


def test_missing_objects_are_404(client):
    assert client.get(reverse("plans_public:plan_detail", args=[999999])).status_code == 404
    assert client.get(reverse("plans_public:project_detail", args=[999999])).status_code == 404
