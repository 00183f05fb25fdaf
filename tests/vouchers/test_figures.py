"""The figures shown are the computed ones, labelled by the application's state: a draft shows
the contribution its receipts give now (not "requested 0,00 €"), an application waiting for
budget shows what could be approved (not "approved")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from equilibri.core.money import format_money
from equilibri.vouchers import services
from equilibri.vouchers.models import Scheme, VoucherApplication

A = VoucherApplication.State
pytestmark = pytest.mark.django_db


def _as_applicant(client, application):
    client.force_login(
        application.applicant, backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    return client


def test_a_draft_shows_the_computed_contribution(ready_draft, client):
    draft = ready_draft(amount="120.00")  # 50 % → 60 €
    assert draft.requested_amount == Decimal("0")
    _as_applicant(client, draft)
    page = client.get(
        reverse("vouchers_public:application_detail", args=[draft.pk])
    ).content.decode()
    assert "Contributo calcolato dalle spese" in page and format_money(Decimal("60")) in page
    assert "Contributo richiesto" not in page and format_money(Decimal("0")) not in page
    listing = client.get(reverse("vouchers_public:my_applications")).content.decode()
    assert format_money(Decimal("60")) in listing and format_money(Decimal("0")) not in listing


def test_waiting_for_budget_is_not_shown_as_approved(make_scheme, confirmed, user_of, client):
    scheme = make_scheme(budget=Decimal("100.00"), title="Poco budget")
    application = confirmed(scheme_=scheme)  # 150 €: does not fit
    services.application_approve(application=application, by=user_of("alleanza.tradate"))
    application.refresh_from_db()
    assert application.state == A.WAITING
    _as_applicant(client, application)
    page = client.get(
        reverse("vouchers_public:application_detail", args=[application.pk])
    ).content.decode()
    assert "Contributo approvato" not in page
    assert "Approvabile, in attesa di budget" in page and "Contributo richiesto" in page
    assert Scheme.objects.get(pk=scheme.pk).reserved == Decimal("0")


def test_figures_by_state():
    application = VoucherApplication(
        state=A.PARTLY_APPROVED,
        requested_amount=Decimal("150"),
        approved_amount=Decimal("100"),
    )
    assert [f.label for f in services.application_figures(application)] == [
        "Contributo richiesto",
        "Contributo approvato in parte",
    ]
    application.state = A.REJECTED
    assert [f.amount for f in services.application_figures(application)] == [Decimal("150")]
    application.state = A.PAID
    application.paid_amount = Decimal("90")
    assert services.application_figures(application)[-1].amount == Decimal("90")
