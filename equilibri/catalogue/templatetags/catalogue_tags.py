"""The catalogue's template tags."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from equilibri.core.categories import CATEGORIES

register = template.Library()


@register.simple_tag
def category_shortcuts() -> SafeString:
    """The category grid: the same HTML for every request in a language, rendered once."""
    return _shortcuts_html(get_language())


@lru_cache(maxsize=8)
def _shortcuts_html(language: str) -> SafeString:
    return render_to_string("services/includes/category_shortcuts.html", {"categories": CATEGORIES})
