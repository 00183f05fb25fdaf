"""Widgets rendered in Python, for the busiest page (the catalogue search form): Django renders
each widget, and each option of a select, from templates, which cost more than the rest of the
page's form."""

from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language


def flat_attrs(attrs: dict[str, Any]) -> str:
    """The same text as `django.forms.utils.flatatt` (key="value" pairs sorted, then the true
    boolean attributes sorted; None and False left out), with the standard library's escape:
    Django's goes through `format_html_join`, several times slower."""
    pairs = sorted((k, v) for k, v in attrs.items() if v is not None and not isinstance(v, bool))
    flags = sorted(k for k, v in attrs.items() if v is True)
    return "".join(
        f' {escape(k)}="{v if isinstance(v, SafeData) else escape(str(v))}"' for k, v in pairs
    ) + "".join(f" {escape(k)}" for k in flags)


class FastSelect(forms.Select):
    """A flat <select>."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = frozenset(str(v) for v in self.format_value(value))
        options = _options_html(get_language(), tuple(self.choices), selected)
        return mark_safe(f"<select{flat_attrs(final)}>{options}</select>")  # noqa: S308


@lru_cache(maxsize=512)
def _options_html(language: str, choices: tuple, selected: frozenset[str]) -> SafeString:
    """A select's <option>s, kept by language, choices and selection: the category select has
    about fifty options, the same on every search. The standard library's escape, on plain
    str: Django's is lazy-aware and several times slower."""
    return mark_safe(  # noqa: S308 (escaped here)
        "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in choices
        )
    )


class FastInput:
    """An <input>: the same tag as Django's `input.html` + `attrs.html` templates (attributes
    sorted, as `flatatt` writes them)."""

    def render(self, name, value, attrs=None, renderer=None):
        return self.input_html(self.get_context(name, value, attrs)["widget"])  # type: ignore[attr-defined]

    @staticmethod
    def input_html(widget: dict[str, Any]) -> SafeString:
        """The tag of a widget context (`get_context(...)["widget"]`)."""
        final = {"type": widget["type"], "name": widget["name"]}
        if widget["value"] is not None:
            final["value"] = str(widget["value"])
        final.update(widget["attrs"])
        return mark_safe(f"<input{flat_attrs(final)}>")  # noqa: S308 (escaped by flat_attrs)


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastNumberInput(FastInput, forms.NumberInput):
    pass


class FastDateInput(FastInput, forms.DateInput):
    pass


class FastCheckboxInput(FastInput, forms.CheckboxInput):
    pass
