"""English pages read dates day first, as Italian ones do."""

import datetime

from django import forms
from django.utils import formats, translation


def test_english_dates_are_day_first():
    day = datetime.date(2026, 12, 7)
    with translation.override("en"):
        assert formats.date_format(day) == "7 December 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "07/12/2026"


def test_english_date_input_is_day_first():
    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("en"):
        form = DayForm({"day": "07/12/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 7)
        iso = DayForm({"day": "2026-12-07"})
        assert iso.is_valid() and iso.cleaned_data["day"] == datetime.date(2026, 12, 7)


def test_registra_is_two_words_in_english():
    """ "Registra" records a decision or a check, and registers an organisation."""
    from django.template import Context, Template

    source = (
        '{% load i18n %}{% translate "Registra" %}|'
        '{% translate "Registra" context "iscrizione di un ente" %}'
    )
    with translation.override("en"):
        assert Template(source).render(Context()) == "Record|Register"
