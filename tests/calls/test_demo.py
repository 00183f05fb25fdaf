from decimal import Decimal

import pytest

from equilibri.calls.models import Application, Call

pytestmark = pytest.mark.django_db


def test_seed_002_call_is_decided_with_the_five_funded_applications():
    call = Call.objects.get(legal_basis="DGR 5755/2021")
    assert call.decision_number == "Deliberazione n. 576"
    assert call.decision_date.isoformat() == "2022-09-29"
    funded = call.applications.filter(state=Application.State.FUNDED)
    assert sorted(funded.values_list("public_id", flat=True)) == [
        3649957,
        3705126,
        3723007,
        3738205,
        3740718,
    ]
    assert call.plan.ats_id == call.ats_id
    for application in funded:
        assert application.granted <= Decimal("50000")
        assert application.granted * 100 <= application.total_cost * 70
        # Each funded application is a project of the plan, with its partners and actions.
        project = application.project
        assert project.plan_id == call.plan_id
        assert project.kind == "call" and project.lead_id == application.lead_id
        assert project.regional_grant == application.granted
        assert project.partners.exists() and project.actions.exists()


def test_startup_call_is_open_with_two_drafts():
    call = Call.objects.get(applicant_kind=Call.ApplicantKind.INDIVIDUALS)
    assert call.applications.filter(state=Application.State.DRAFT).count() == 2


def test_startup_call_shows_its_extended_deadline():
    call = Call.objects.get(applicant_kind=Call.ApplicantKind.INDIVIDUALS)
    (change,) = call.changes.all()
    assert change.reason and list(change.after) == ["chiusura delle domande"]
