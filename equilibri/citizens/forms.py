"""Forms of the citizens' side: every field bounded (lengths, choices, the score 1 to 5)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from equilibri.core.identifiers import EmailFormField
from equilibri.territory.forms import ComuneField
from equilibri.territory.models import ATS

from .models import Rating


class PreferencesForm(forms.Form):
    comune = ComuneField(
        label=_("Il tuo comune"),
        required=False,
        help_text=_("Ti mostriamo prima i bandi, i voucher e gli sportelli della tua ATS."),
    )


class _ToAtsForm(forms.Form):
    """Where the message goes: the ATS chosen, or the comune's."""

    comune = ComuneField(
        label=_("Il tuo comune"),
        required=False,
        help_text=_("Il messaggio va all'ATS del tuo comune. In alternativa scegli l'ATS."),
    )
    ats = forms.ModelChoiceField(
        label=_("ATS"), queryset=ATS.objects.order_by("name"), required=False, empty_label="—"
    )
    name = forms.CharField(label=_("Nome e cognome"), max_length=150, required=False)
    email = EmailFormField(
        label=_("E-mail"),
        required=False,
        help_text=_("Lasciala se vuoi una risposta: la usiamo solo per risponderti."),
    )

    def clean(self):
        data = super().clean() or {}
        if not data.get("comune") and not data.get("ats") and not self.errors.get("comune"):
            self.add_error("comune", _("Indica il tuo comune oppure scegli l'ATS."))
        return data


class AccessibilityReportForm(_ToAtsForm):
    page_url = forms.CharField(
        label=_("Pagina in cui hai incontrato il problema"),
        max_length=500,
        required=False,
        help_text=_("L'indirizzo della pagina o il suo titolo."),
    )
    body = forms.CharField(
        label=_("Che cosa non funziona"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ad esempio: un contenuto che il lettore di schermo non legge, un modulo che non "
            "si usa da tastiera."
        ),
    )


class ContactForm(_ToAtsForm):
    subject = forms.CharField(label=_("Oggetto"), max_length=200)
    body = forms.CharField(
        label=_("Messaggio"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ErasureForm(forms.Form):
    ats = forms.ModelChoiceField(
        label=_("ATS a cui chiedere la cancellazione"),
        queryset=ATS.objects.order_by("name"),
        help_text=_("L'ATS del territorio in cui hai usato i servizi."),
    )
    body = forms.CharField(
        label=_("Che cosa vuoi cancellare"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_("Chiedo la cancellazione del mio account e dei miei dati personali."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Risposta"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class RatingForm(forms.Form):
    moment = forms.ChoiceField(choices=Rating.Moment.choices, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("Valuta la tua esperienza"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli un valore da 1 a 5.")},
    )
    comment = forms.CharField(
        label=_("Vuoi dirci qualcosa? (facoltativo)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ats = forms.ModelChoiceField(
        queryset=ATS.objects.all(), required=False, widget=forms.HiddenInput
    )
    next = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
