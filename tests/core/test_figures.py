"""One way to print amounts, percentages and numbers, in Italian and in English."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

CASES = [
    # value, it money, it percent, it number, en money, en percent, en number
    (Decimal("0"), "€ 0,00", "0%", "0", "€0.00", "0%", "0"),
    (Decimal("70"), "€ 70,00", "70%", "70", "€70.00", "70%", "70"),
    (Decimal("7E+1"), "€ 70,00", "70%", "70", "€70.00", "70%", "70"),
    (Decimal("50.5"), "€ 50,50", "50,5%", "50,5", "€50.50", "50.5%", "50.5"),
    (
        Decimal("4000000"),
        "€ 4.000.000,00",
        "4.000.000%",
        "4.000.000",
        "€4,000,000.00",
        "4,000,000%",
        "4,000,000",
    ),
    (Decimal("-135"), "-€ 135,00", "-135%", "-135", "-€135.00", "-135%", "-135"),
    (Decimal("-0.001"), "€ 0,00", "0%", "0", "€0.00", "0%", "0"),
    (None, "—", "—", "—", "—", "—", "—"),
    (12, "€ 12,00", "12%", "12", "€12.00", "12%", "12"),
]


def _render(source: str, value) -> str:
    return Template("{% load figures %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize(
    ("value", "it_money", "it_percent", "it_number", "en_money", "en_percent", "en_number"),
    CASES,
)
def test_filters_in_both_languages(
    value, it_money, it_percent, it_number, en_money, en_percent, en_number
):
    expected = {
        "it": (it_money, it_percent, it_number),
        "en": (en_money, en_percent, en_number),
    }
    for language, (money, percent, number) in expected.items():
        with translation.override(language):
            assert _render("{{ value|money }}", value) == money
            assert _render("{{ value|percent }}", value) == percent
            assert _render("{{ value|number }}", value) == number


def test_decimals_argument():
    with translation.override("it"):
        assert _render("{{ value|number:1 }}", Decimal("12.345")) == "12,3"
        assert _render("{{ value|number:0 }}", Decimal("1234.5")) == "1.235"
        assert _render("{{ value|money:0 }}", Decimal("4000000")) == "€ 4.000.000"
        assert _render("{{ value|percent:1 }}", Decimal("33.333")) == "33,3%"
    with translation.override("en"):
        assert _render("{{ value|number:2 }}", Decimal("0.5")) == "0.50"


def test_what_is_not_a_number_is_shown_as_it_is():
    assert _render("{{ value|money }}", "n/d") == "n/d"
    assert _render("{{ value|percent }}", "") == "—"
