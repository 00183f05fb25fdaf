from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers
from equilibri.territory.forms import ComuneField
from equilibri.territory.models import ATS, Comune
from equilibri.territory.selectors import comune_lookup

from .models import AgreementDocument, AlliancePartner, Organisation
from .services import MAX_PDF_BYTES, ORGANISATION_FIELDS
from .validators import validate_organisation_fiscal_code, validate_vat_number


def org_label(org: Organisation) -> str:
    return f"{org.name} — {org.comune.name}"


class OrganisationForm(forms.ModelForm):
    """Registration and editing of an organisation (the model validates fiscal code and VAT)."""

    comune = ComuneField(help_text=_("Il comune della sede: determina l'ATS della tua rete."))
    # Normalised (spaces, "IT" prefix, full-width…) before the validators see them.
    fiscal_code = identifiers.IdentifierFormField(
        normaliser=identifiers.normalise_tax_code,
        label=_("Codice fiscale"),
        max_length=16,
        required=False,
        help_text=_("11 cifre per enti e società, 16 caratteri per le ditte individuali."),
    )
    vat_number = identifiers.IdentifierFormField(
        normaliser=identifiers.normalise_tax_code,
        label=_("Partita IVA"),
        max_length=11,
        required=False,
        help_text=_("11 cifre, se l'organizzazione ha una partita IVA."),
    )
    website = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "whp_member_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "whp_practices": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "staff_count": _("Con il fatturato determina la dimensione (micro, piccola, media)."),
            "ateco_code": _("Ad esempio 88.91.00."),
            "runts_number": _("Solo per gli enti del terzo settore iscritti al RUNTS."),
            "whp_member_since": _(
                "Se l'organizzazione aderisce alla rete WHP (Workplace Health Promotion)."
            ),
        }

    def clean_fiscal_code(self) -> str:
        value = self.cleaned_data["fiscal_code"]
        if value:
            validate_organisation_fiscal_code(value)
        return value

    def clean_vat_number(self) -> str:
        value = self.cleaned_data["vat_number"]
        if value:
            validate_vat_number(value)
        return value

    def clean(self):
        super().clean()
        data = self.cleaned_data
        missing = not data.get("fiscal_code") and not data.get("vat_number")
        if missing and "fiscal_code" not in self.errors and "vat_number" not in self.errors:
            self.add_error(
                "fiscal_code",
                _("Indica il codice fiscale o la partita IVA dell'organizzazione."),
            )
        return data

    def _post_clean(self):
        # The service validates and saves; ModelForm's instance validation would run twice.
        pass


class MultiComuneField(forms.CharField):
    """Several comuni, separated by commas or semicolons ("Tradate, Varese; Castelseprio"), each
    written as ComuneField accepts it. Cleans to a list of distinct comuni, in the given order."""

    default_error_messages = {
        "unknown": _(
            "Non troviamo questi comuni in Lombardia: %(values)s. Controlla come sono scritti."
        ),
        "ambiguous": _(
            "Ci sono più comuni chiamati %(values)s: aggiungi la provincia, ad esempio "
            "«%(example)s»."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Comuni coinvolti"))
        kwargs.setdefault(
            "help_text",
            _("Separa i nomi con una virgola, ad esempio: Tradate, Venegono Superiore."),
        )
        kwargs.setdefault("max_length", 5000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return ", ".join(str(c) for c in items)
        return value

    def to_python(self, value) -> list[Comune]:  # type: ignore[override]
        text = super().to_python(value) or ""
        names = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        comuni: list[Comune] = []
        unknown: list[str] = []
        ambiguous: list[tuple[str, Comune]] = []
        for name in names:
            matches = comune_lookup(name[:120])
            if not matches:
                unknown.append(f"«{name}»")
            elif len(matches) > 1:
                ambiguous.append((f"«{name}»", matches[0]))
            elif matches[0] not in comuni:
                comuni.append(matches[0])
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={"values": ", ".join(unknown)},
            )
        if ambiguous:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={
                    "values": ", ".join(name for name, _match in ambiguous),
                    "example": str(ambiguous[0][1]),
                },
            )
        return comuni


class MembershipRequestForm(forms.Form):
    regulation = forms.IntegerField(widget=forms.HiddenInput)
    agreement = forms.IntegerField(widget=forms.HiddenInput)
    accept_regulation = forms.BooleanField(
        label=_("Ho letto e accetto il regolamento della rete"),
        error_messages={"required": _("Per aderire devi accettare il regolamento della rete.")},
    )
    accept_agreement = forms.BooleanField(
        label=_("Ho letto e accetto l'accordo di partenariato"),
        error_messages={"required": _("Per aderire devi accettare l'accordo di partenariato.")},
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Nota (facoltativa)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivazione del rifiuto"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Scrivi la motivazione: l'organizzazione la riceverà per e-mail.")
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del ritiro (facoltativo)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgreementForm(forms.Form):
    ats = forms.ModelChoiceField(label=_("ATS"), queryset=ATS.objects.none())
    kind = forms.ChoiceField(
        label=_("Documento"),
        choices=[
            (AgreementDocument.Kind.REGULATION.value, AgreementDocument.Kind.REGULATION.label),
            (AgreementDocument.Kind.PARTNERSHIP.value, AgreementDocument.Kind.PARTNERSHIP.label),
        ],
    )
    title = forms.CharField(label=_("Titolo"), max_length=200)
    text = forms.CharField(
        label=_("Testo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Il testo o una sua sintesi; puoi anche caricare il PDF firmato."),
    )
    file = forms.FileField(
        label=_("PDF (facoltativo, al massimo 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, ats_queryset=None, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alliance is not None:
            del self.fields["ats"]
            del self.fields["kind"]
        else:
            if ats_queryset is None:
                ats_queryset = ATS.objects.all()
            cast(Any, self.fields["ats"]).queryset = ats_queryset
            if ats_queryset.count() == 1:
                self.fields["ats"].initial = ats_queryset.first()

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and file.size > MAX_PDF_BYTES:
            raise forms.ValidationError(
                _("Il file supera i 10 MB: carica una versione più leggera del PDF.")
            )
        return file


class AllianceForm(forms.Form):
    ats = forms.ModelChoiceField(label=_("ATS"), queryset=ATS.objects.none())
    name = forms.CharField(label=_("Nome dell'alleanza"), max_length=200)
    lead = forms.ModelChoiceField(label=_("Ente capofila"), queryset=Organisation.objects.none())
    description = forms.CharField(label=_("Descrizione"), widget=forms.Textarea, required=False)
    comuni = MultiComuneField(label=_("Comuni coperti"), required=False)
    period_start = forms.DateField(
        label=_("Inizio"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Fine"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, ats_queryset=None, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alliance is not None:
            del self.fields["ats"]
            cast(Any, self.fields["lead"]).queryset = Organisation.objects.filter(
                comune__ats=alliance.ats
            ).select_related("comune")
        else:
            cast(Any, self.fields["ats"]).queryset = ats_queryset
            cast(Any, self.fields["lead"]).queryset = Organisation.objects.filter(
                comune__ats__in=ats_queryset
            ).select_related("comune")
            if ats_queryset.count() == 1:
                self.fields["ats"].initial = ats_queryset.first()
        cast(Any, self.fields["lead"]).label_from_instance = org_label


class AlliancePartnerForm(forms.ModelForm):
    class Meta:
        model = AlliancePartner
        fields = ["organisation", "role", "contribution_kind", "contribution_amount"]
        help_texts = {
            "contribution_amount": _("In euro; 0 se il partner non contribuisce."),
            "role": _("Ad esempio: gestione dei centri estivi."),
        }

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["organisation"]).queryset = (
            Organisation.objects.filter(comune__ats=alliance.ats)
            .exclude(pk=alliance.lead_id)
            .select_related("comune")
        )
        cast(Any, self.fields["organisation"]).label_from_instance = org_label

    def _post_clean(self):
        pass


class MemberFilterForm(forms.Form):
    ats = forms.ModelChoiceField(
        label=_("ATS"), queryset=ATS.objects.all(), required=False, empty_label=_("Tutte")
    )
    tipologia = forms.ChoiceField(
        label=_("Tipologia"),
        required=False,
        choices=[("", _("Tutte")), *Organisation.Kind.choices],
    )
    comune = ComuneField(required=False, help_text=_("Ad esempio Tradate."))
    whp = forms.BooleanField(label=_("Solo aziende della rete WHP"), required=False)
