import pytest
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from equilibri.core.widgets import flat_attrs


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"type": "text", "name": "q", "id": "search-q", "class": "form-control"},
        {"value": 'a "quoted" <b>&amp; text</b>', "required": True, "disabled": False},
        {"placeholder": gettext_lazy("Cerca"), "data-x": None, "autofocus": True, "b": 1},
        {"data-safe": mark_safe("&amp;"), "title": "città & co"},
    ],
)
def test_flat_attrs_is_djangos_flatatt(attrs):
    assert flat_attrs(attrs) == flatatt(attrs)
