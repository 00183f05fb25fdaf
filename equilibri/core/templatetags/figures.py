"""Amounts, percentages and numbers in the active language: `{% load figures %}`, then
`{{ amount|money }}`, `{{ share|percent }}`, `{{ count|number }}` (an argument sets the
decimals: `|number:1`, `|money:0`). The one way figures are printed; see core.money."""

from django import template

from equilibri.core.money import format_money, format_number, format_percent

register = template.Library()


@register.filter
def money(value, places: int = 2) -> str:
    return format_money(value, int(places))


@register.filter
def percent(value, places: int | None = None) -> str:
    return format_percent(value, None if places in (None, "") else int(places))


@register.filter
def number(value, places: int | None = None) -> str:
    return format_number(value, None if places in (None, "") else int(places))
