"""The form of the mapping of a term of another taxonomy to a category of ours."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TaxonomyTerm


class ForeignTermMapForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("Categoria della piattaforma"),
        queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by("name"),
        empty_label=_("Scegli una categoria"),
        error_messages={
            "required": _("Scegli la categoria a cui associare il termine."),
            "invalid_choice": _("Categoria sconosciuta: scegline una dall'elenco."),
        },
    )
