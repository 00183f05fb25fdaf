"""The ATS operator's forms on a mistake report: a note, a reply to the reporter, a forward to
the provider, a change of state (services/mistake_reports.py does the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MistakeReport

TEXT = forms.Textarea(attrs={"rows": 3})


class ReportNoteForm(forms.Form):
    text = forms.CharField(label=_("Nota interna"), widget=TEXT, max_length=4000)


class ReportReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Risposta a chi ha segnalato"),
        widget=TEXT,
        max_length=4000,
        help_text=_("Parte per e-mail all'indirizzo lasciato con la segnalazione."),
    )


class ReportForwardForm(forms.Form):
    text = forms.CharField(
        label=_("Messaggio per l'ente (facoltativo)"),
        widget=TEXT,
        max_length=4000,
        required=False,
        help_text=_(
            "La segnalazione parte per e-mail agli operatori dell'ente che offre il servizio."
        ),
    )


class ReportStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Nuovo stato"), choices=MistakeReport.State.choices)
    text = forms.CharField(label=_("Motivo (facoltativo)"), widget=TEXT, required=False)


# The forms of the report's page, by the `action` each posts.
REPORT_ACTIONS: dict[str, type[forms.Form]] = {
    "note": ReportNoteForm,
    "reply": ReportReplyForm,
    "forward": ReportForwardForm,
    "state": ReportStateForm,
}
