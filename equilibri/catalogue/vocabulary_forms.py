"""The ATS operator's form for an entry of the search vocabulary (services/vocabulary.py checks
the entry against the others and saves it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TaxonomyTerm, VocabularyVersion
from .services.vocabulary import MAX_MEANINGS, MAX_PHRASE

KIND_CHOICES = [
    ("synonym", _("Sinonimi (ogni parola trova le altre)")),
    ("acronym", _("Sigla (la sigla trova i suoi significati)")),
    ("concept", _("Concetto (la parola trova i significati, non il contrario)")),
]


class VocabularyEntryForm(forms.Form):
    language = forms.ChoiceField(
        choices=VocabularyVersion.Language.choices, widget=forms.HiddenInput
    )
    # The term of the entry being edited ("" for a new one).
    replaces = forms.CharField(required=False, max_length=MAX_PHRASE, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Tipo"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    term = forms.CharField(
        label=_("Parola o frase"),
        max_length=MAX_PHRASE,
        help_text=_("Come la scrivono i cittadini, ad esempio «ludoteca» o «SAD»."),
    )
    meanings = forms.CharField(
        label=_("Significati"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=(MAX_PHRASE + 1) * MAX_MEANINGS,
        help_text=_("Uno per riga, con le parole delle schede dei servizi (al massimo %(n)s).")
        % {"n": MAX_MEANINGS},
    )
    taxonomy = forms.ChoiceField(
        label=_("Categoria (facoltativa)"),
        required=False,
        help_text=_("La parola trova anche i servizi di questa categoria."),
    )
    sample = forms.CharField(
        label=_("Ricerca di prova per l'anteprima"),
        required=False,
        max_length=200,
        help_text=_("Vuota: la parola stessa."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms = TaxonomyTerm.objects.order_by("position", "name").values_list("code", "name")
        self.fields["taxonomy"].choices = [("", "—"), *terms[:500]]  # type: ignore[attr-defined]

    def entry_fields(self) -> dict:
        """What services.vocabulary takes: the meanings one a line."""
        data = self.cleaned_data
        return {
            "language": data["language"],
            "replaces": data.get("replaces") or "",
            "kind": data["kind"],
            "term": data["term"],
            "meanings": data["meanings"].splitlines(),
            "taxonomy": data.get("taxonomy") or "",
        }
