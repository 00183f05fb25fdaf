"""Forms of the surveys' office side; the answering form is answering.py."""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from equilibri.network.models import Organisation
from equilibri.territory.models import ATS

from .models import Distribution, QuestionnaireVersion

FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between 2000 and 2100, with a message saying so otherwise."""

    def __init__(self, *args, **kwargs):
        attrs = {"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value and not FIRST_DATE <= value <= LAST_DATE:
            raise ValidationError(
                _("Scegli una data tra il %(first)s e il %(last)s.")
                % {"first": f"{FIRST_DATE:%d/%m/%Y}", "last": f"{LAST_DATE:%d/%m/%Y}"},
                code="out_of_range",
            )


class CampaignForm(forms.Form):
    ats = forms.ModelChoiceField(queryset=ATS.objects.none(), label=_("ATS"))
    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(
        label=_("Presentazione per chi risponde"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = BoundedDateField(label=_("Dal"))
    ends_on = BoundedDateField(label=_("Al"))
    versions = forms.ModelMultipleChoiceField(
        queryset=QuestionnaireVersion.objects.none(),
        label=_("Questionari"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, ats_choices, versions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["ats"]).queryset = ats_choices
        cast(Any, self.fields["versions"]).queryset = versions
        if ats_choices.count() == 1:
            self.fields["ats"].initial = ats_choices.first()
            self.fields["ats"].widget = forms.HiddenInput()


class DistributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Canale"), choices=Distribution.Kind.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Organizzazione"),
        help_text=_("Solo per il canale «Organizzazione della rete»: i membri attivi della rete."),
    )
    single_use = forms.BooleanField(
        required=False,
        label=_("Con codici monouso"),
        help_text=_("Ogni persona riceve un codice valido per una sola risposta."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["organisation"]).queryset = organisations

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Distribution.Kind.ORGANISATION and not cleaned.get(
            "organisation"
        ):
            self.add_error("organisation", _("Scegli l'organizzazione."))
        return cleaned


class TokensForm(forms.Form):
    count = forms.IntegerField(label=_("Quanti codici"), min_value=1, max_value=1000, initial=20)


class StartForm(forms.Form):
    """The landing page's form: which questionnaire, and the code where the channel uses them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    code = forms.CharField(
        label=_("Il tuo codice"),
        required=False,
        max_length=40,
        help_text=_("Lo trovi sul foglio che ti è stato consegnato."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code
        if not needs_code:
            del self.fields["code"]
        else:
            self.fields["code"].required = True
