"""Money is exact in SQL on both databases (core.money: whole cents in bigint columns).

On SQLite a DecimalField was a float column: a budget of €0.30 took only two approvals of €0.10,
because the conditional UPDATE compared 0.1 + 0.1 <= 0.3 - 0.1 in floats."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from equilibri.vouchers import services
from equilibri.vouchers.models import Scheme, VoucherApplication

from .test_race import _confirmed_applications

A = VoucherApplication.State
CENT = Decimal("0.01")


def _approve_in_order(scheme, amounts: list[Decimal], manager) -> list[str]:
    ids = []
    for start, amount in enumerate(amounts):
        ids += _confirmed_applications(scheme, 1, amount, start=start)
    for pk in ids:
        services.application_approve(application=VoucherApplication.objects.get(pk=pk), by=manager)
    return [VoucherApplication.objects.get(pk=pk).state for pk in ids]


def test_a_budget_of_30_cents_takes_three_approvals_of_10_cents(make_scheme, user_of):
    scheme = make_scheme(budget=Decimal("0.30"), minimum_amount=None)
    states = _approve_in_order(scheme, [Decimal("0.10")] * 4, user_of("alleanza.tradate"))
    assert states == [A.APPROVED, A.APPROVED, A.APPROVED, A.WAITING]
    scheme.refresh_from_db()
    assert scheme.reserved == Decimal("0.30")
    assert scheme.available == Decimal("0")


def test_money_is_stored_as_whole_cents(make_scheme):
    scheme = make_scheme(budget=Decimal("1234.56"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT budget FROM vouchers_scheme WHERE id = %s", [scheme.pk])
        (stored,) = cursor.fetchone()
    assert stored == 123456
    assert isinstance(stored, int)
    assert Scheme.objects.filter(budget=Decimal("1234.56")).get() == scheme
    assert Scheme.objects.filter(pk=scheme.pk, budget__gt=Decimal("1234.55")).exists()
    assert not Scheme.objects.filter(pk=scheme.pk, budget__gt=Decimal("1234.56")).exists()


cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) * CENT)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    budget=st.integers(min_value=0, max_value=1_000_000).map(lambda c: Decimal(c) * CENT),
    amounts=st.lists(cents, min_size=1, max_size=8),
)
@example(budget=Decimal("0.30"), amounts=[Decimal("0.10")] * 3)
@example(budget=Decimal("0.60"), amounts=[Decimal("0.10"), Decimal("0.20"), Decimal("0.30")])
@example(budget=Decimal("1.00"), amounts=[Decimal("0.70"), Decimal("0.10"), Decimal("0.20")])
def test_approvals_take_exactly_what_the_budget_allows(make_scheme, user_of, budget, amounts):
    """Approvals in order against a budget: each one fits exactly when Decimal arithmetic says it
    does, and the sums read back from SQL equal Python's Decimal sums."""
    with transaction.atomic():
        scheme = make_scheme(budget=budget, minimum_amount=None, cap_per_application=None)
        states = _approve_in_order(scheme, amounts, user_of("alleanza.tradate"))
        reserved = Decimal("0")
        expected = []
        for amount in amounts:
            fits = reserved + amount <= budget
            reserved += amount if fits else 0
            expected.append(A.APPROVED if fits else A.WAITING)
        assert states == expected
        scheme.refresh_from_db()
        assert scheme.reserved == reserved
        approved = VoucherApplication.objects.filter(scheme=scheme, state=A.APPROVED)
        assert approved.aggregate(total=Sum("approved_amount"))["total"] == (
            reserved if expected.count(A.APPROVED) else None
        )
        everything = VoucherApplication.objects.filter(scheme=scheme)
        assert everything.aggregate(total=Sum("requested_amount"))["total"] == sum(amounts)
        transaction.set_rollback(True)


@pytest.mark.parametrize("amount", ["0.005", "12.345"])
def test_more_than_two_decimals_round_half_up_to_the_cent(make_scheme, amount):
    scheme = make_scheme(budget=Decimal("100"))
    Scheme.objects.filter(pk=scheme.pk).update(reserved=Decimal(amount))
    scheme.refresh_from_db()
    assert scheme.reserved == Decimal(amount).quantize(CENT, rounding="ROUND_HALF_UP")
