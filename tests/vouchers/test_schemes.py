"""Schemes: the real-world rules are expressible from the reserved area; budgets are checked."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from equilibri.vouchers import services
from equilibri.vouchers.models import Scheme
from equilibri.vouchers.services import AmountRule, compute_amount

pytestmark = pytest.mark.django_db


def _form(action, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "action": action.pk,
        "title": "Voucher centri estivi",
        "description": "",
        "budget": "3000",
        "partner_employees_only": "on",
        "percentage": "50",
        "cap_per_family_year": "250",
        "minimum_amount": "40",
        "claim_within_days": "60",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=90)).isoformat(),
        "expenses_from": (today - datetime.timedelta(days=60)).isoformat(),
        "expenses_until": (today + datetime.timedelta(days=90)).isoformat(),
        "categories": ["centri-estivi"],
        "is_published": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_alliance_lead_creates_fifty_percent_250_a_year_40_minimum_60_days(action, login):
    client = login("alleanza.tradate")
    response = client.post(reverse("vouchers:scheme_create"), _form(action))
    assert response.status_code == 302, response.context["form"].errors
    scheme = Scheme.objects.get(title="Voucher centri estivi")
    rule = AmountRule.of(scheme)
    assert rule == AmountRule(Decimal("50"), None, Decimal("250"), Decimal("40"))
    assert scheme.claim_within_days == 60 and scheme.categories == ["centri-estivi"]
    assert compute_amount(rule, Decimal("1000")).amount == Decimal("250.00")


def test_twenty_percent_at_most_400_per_application(action, user_of):
    today = timezone.localdate()
    scheme = services.scheme_create(
        action=action,
        by=user_of("operatore.insubria"),
        title="20% fino a 400",
        budget=Decimal("1000"),
        percentage=Decimal("20"),
        cap_per_application=Decimal("400"),
        opens_on=today,
        closes_on=today,
        expenses_from=today,
        expenses_until=today,
    )
    assert compute_amount(AmountRule.of(scheme), Decimal("3000")).amount == Decimal("400.00")


def test_the_action_budget_and_the_windows_are_checked(action, login):
    client = login("alleanza.tradate")
    response = client.post(reverse("vouchers:scheme_create"), _form(action, budget="999999"))
    assert response.status_code == 200
    assert "superano il suo budget" in str(response.context["form"].errors["budget"])
    response = client.post(
        reverse("vouchers:scheme_create"),
        _form(action, expenses_until="2000-01-01"),
    )
    assert "deve seguire l" in str(response.context["form"].errors["expenses_until"])
    assert not Scheme.objects.filter(title="Voucher centri estivi").exists()


def test_managers_of_another_ats_cannot_open_a_scheme_here(action, user_of, login):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.scheme_create(
            action=action,
            by=user_of("operatore.milano"),
            title="x",
            budget=Decimal("1"),
            percentage=Decimal("1"),
            opens_on=today,
            closes_on=today,
            expenses_from=today,
            expenses_until=today,
        )
    response = login("operatore.milano").post(reverse("vouchers:scheme_create"), _form(action))
    assert response.status_code == 200 and "action" in response.context["form"].errors


def test_budget_cannot_drop_below_what_is_committed(user_of):
    scheme = Scheme.objects.get(title="Family voucher a rimborso 2026")
    with pytest.raises(ValidationError) as error:
        services.scheme_update(scheme=scheme, budget=Decimal("100"), by=user_of("alleanza.tradate"))
    assert "già impegnato" in str(error.value)
