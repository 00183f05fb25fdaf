"""The comune picker: a text field with suggestions (HTMX) that works without JavaScript."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from equilibri.core.widgets import FastTextInput

from .models import Comune
from .selectors import comune_lookup


class ComuneInput(FastTextInput):
    """A text input with a <datalist> of suggestions that HTMX fills as the user types. Rendered
    in Python (`FastTextInput`): it is on the catalogue search form, the busiest page."""

    def get_context(self, name, value, attrs):
        if isinstance(value, Comune):
            value = str(value)
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("autocomplete", "off")
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-suggestions"
        widget_attrs["hx-get"] = reverse("territory:comune_suggest")
        widget_attrs["hx-trigger"] = "input changed delay:250ms"
        widget_attrs["hx-target"] = f"#{widget_attrs['list']}"
        widget_attrs["hx-swap"] = "innerHTML"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '{}\n<datalist id="{}"></datalist>', self.input_html(widget), widget["attrs"]["list"]
        )


class ComuneField(forms.Field):
    """Accepts a comune's name (accents optional), "Name (PR)" or its ISTAT code."""

    widget = ComuneInput
    default_error_messages = {
        "unknown": _(
            "Non troviamo il comune «%(value)s» in Lombardia. Controlla come è scritto "
            "o scegli uno dei suggerimenti."
        ),
        "ambiguous": _(
            "Ci sono più comuni chiamati «%(value)s»: aggiungi la provincia, ad "
            "esempio «%(example)s»."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Comune"))
        kwargs.setdefault("help_text", _("Scrivi il nome del comune, ad esempio Tradate."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, Comune) else value

    def to_python(self, value):
        if isinstance(value, Comune):
            return value
        text = str(value).strip()[:120] if value is not None else ""
        if text in self.empty_values:
            return None
        matches = comune_lookup(text)
        if not matches:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text}
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": text, "example": str(matches[0])},
            )
        return matches[0]
