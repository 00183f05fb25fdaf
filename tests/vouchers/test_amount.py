"""The amount rule: one pure function, the two real-world examples and the edges."""

from decimal import Decimal

import pytest

from equilibri.vouchers.services import AmountRule, compute_amount

D = Decimal
TWENTY_CAP_400 = AmountRule(D("20"), cap_per_application=D("400"))
FIFTY_250_YEAR_MIN_40 = AmountRule(D("50"), cap_per_family_year=D("250"), minimum=D("40"))


@pytest.mark.parametrize(
    ("expense", "expected"),
    [
        ("100.00", "20.00"),
        ("1999.99", "400.00"),  # 399.998 rounds to 400.00, at the cap
        ("2000.00", "400.00"),
        ("5000.00", "400.00"),  # capped
        ("0.05", "0.01"),  # 0.01 exactly
        ("0.02", "0.00"),  # 0.004 rounds down to nothing
        ("1234.57", "246.91"),  # 246.914 half-up to the cent
    ],
)
def test_twenty_percent_at_most_400_per_application(expense, expected):
    assert compute_amount(TWENTY_CAP_400, D(expense)).amount == D(expected)


def test_fifty_percent_at_most_250_a_year_at_least_40():
    rule = FIFTY_250_YEAR_MIN_40
    assert compute_amount(rule, D("200")).amount == D("100.00")
    assert compute_amount(rule, D("600")).amount == D("250.00")
    # What the family already had this year lowers the cap.
    assert compute_amount(rule, D("200"), granted_this_year=D("200")).amount == D("50.00")
    # 30 € left of the yearly cap is below the 40 € minimum: nothing is due.
    result = compute_amount(rule, D("200"), granted_this_year=D("220"))
    assert result.amount == D("0.00") and result.below_minimum and result.capped
    assert compute_amount(rule, D("200"), granted_this_year=D("150")).amount == D("100.00")
    assert compute_amount(rule, D("200"), granted_this_year=D("250")).amount == D("0.00")


def test_minimum_is_inclusive_and_below_it_nothing_is_due():
    rule = FIFTY_250_YEAR_MIN_40
    assert compute_amount(rule, D("80")).amount == D("40.00")
    below = compute_amount(rule, D("79.98"))
    assert below.amount == D("0.00") and below.below_minimum and below.gross == D("39.99")


def test_caps_combine_and_the_flag_tells_the_applicant():
    rule = AmountRule(D("50"), cap_per_application=D("300"), cap_per_family_year=D("500"))
    assert compute_amount(rule, D("1000"), granted_this_year=D("0")).amount == D("300.00")
    capped = compute_amount(rule, D("1000"), granted_this_year=D("300"))
    assert capped.amount == D("200.00") and capped.capped and capped.gross == D("500.00")
    assert not compute_amount(rule, D("100")).capped


def test_nothing_for_no_expense_and_the_result_is_always_cents():
    assert compute_amount(TWENTY_CAP_400, D("0")).amount == D("0.00")
    assert compute_amount(TWENTY_CAP_400, D("-10")).amount == D("0.00")
    assert compute_amount(AmountRule(D("100")), D("10.1")).amount.as_tuple().exponent == -2
