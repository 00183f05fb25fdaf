from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers
from equilibri.core.categories import CATEGORIES
from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

from .models import DocumentCheck, FamilyMember, Scheme, VoucherApplication

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CATEGORY_CHOICES = [(slug, label) for slug, label, _icon in CATEGORIES]


class SchemeForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categorie di servizio ammesse"),
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nessuna: tutte le categorie."),
    )

    class Meta:
        model = Scheme
        fields = list(Scheme.MANAGER_FIELDS)
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "expenses_from": DATE,
            "expenses_until": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "required_documents": forms.Textarea(attrs={"rows": 3}),
            "declarations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["action"]).queryset = actions
        comuni = cast(forms.ModelChoiceField, self.fields["comuni"])
        comuni.queryset = Comune.objects.order_by("name")
        self.fields["comuni"].required = False
        if self.instance.pk:
            del self.fields["action"]
            cast(forms.ModelChoiceField, self.fields["comuni"]).queryset = Comune.objects.filter(
                ats_id=self.instance.action.project.plan.ats_id
            ).order_by("name")


class PersonalForm(forms.ModelForm):
    class Meta:
        model = VoucherApplication
        fields = list(VoucherApplication.APPLICANT_FIELDS)

    def __init__(self, *args, employers, comuni, declarations, identity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if identity is not None:
            # Verified by SPID or CIE (accounts.VerifiedIdentity): shown, not typed, not
            # editable; the form saves the verified values whatever is posted.
            for name, value in (
                ("first_name", identity.first_name),
                ("last_name", identity.last_name),
                ("fiscal_code", identity.fiscal_number),
            ):
                if value:
                    self.initial[name] = value
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Dalla tua identità digitale (SPID o CIE): non si modifica qui."
                    )
        # Any organisation passes the form: the service refuses one outside the scheme with a
        # clear message; the list offers the eligible ones only.
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = Organisation.objects.all()
        self.fields["employer"].widget.choices = [("", _("— scegli —"))] + [
            (org.pk, org.name) for org in employers
        ]
        cast(forms.ModelChoiceField, self.fields["comune"]).queryset = comuni
        self.fields["fiscal_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        if declarations:
            self.fields["declarations_accepted"].label = _(
                "Confermo le autodichiarazioni qui sopra"
            )
        else:
            del self.fields["declarations_accepted"]


class FamilyForm(forms.Form):
    prefix = "family"

    name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    relation = forms.ChoiceField(
        label=_("Relazione"), choices=FamilyMember.Relation.choices, initial="child"
    )
    birth_date = forms.DateField(label=_("Data di nascita"), widget=DATE)


class ExpenseForm(forms.Form):
    prefix = "expense"

    payer = forms.CharField(label=_("Chi ha pagato"), max_length=150)
    receipt_number = forms.CharField(label=_("Numero della ricevuta"), max_length=50)
    receipt_date = forms.DateField(label=_("Data della ricevuta"), widget=DATE)
    provider_name = forms.CharField(label=_("Fornitore del servizio"), max_length=200)
    provider_tax_id = identifiers.TaxCodeFormField(
        label=_("Partita IVA o codice fiscale del fornitore")
    )
    category = forms.ChoiceField(label=_("Categoria di servizio"))
    service = forms.CharField(label=_("Servizio"), max_length=200)
    beneficiary = forms.CharField(
        label=_("Beneficiario (chi ha ricevuto il servizio)"), max_length=150
    )
    # Text, not a DecimalField: the service gives the clear message for negatives and cents.
    amount = forms.CharField(
        label=_("Importo pagato (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    file = forms.FileField(label=_("Ricevuta"), help_text=_("PDF, JPEG o PNG."))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [c for c in CATEGORY_CHOICES if not categories or c[0] in categories]
        cast(forms.ChoiceField, self.fields["category"]).choices = allowed


class AttachmentForm(forms.Form):
    prefix = "doc"

    name = forms.ChoiceField(label=_("Documento"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG o PNG."))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["name"]).choices = [(d, d) for d in documents]


class AttestForm(forms.Form):
    prefix = "attest"

    confirmed = forms.TypedChoiceField(
        label=_("Rapporto di lavoro"),
        choices=[("1", _("Confermo che è nostro dipendente")), ("0", _("Non confermo"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatoria se non confermi."),
    )


class IntegrationForm(forms.Form):
    prefix = "integration"

    message = forms.CharField(
        label=_("Che cosa deve integrare"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Entro il"), widget=DATE)


class ApproveForm(forms.Form):
    prefix = "approve"

    amount = forms.CharField(
        label=_("Importo approvato (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatoria se approvi solo una parte."),
    )
    override_reason = forms.CharField(
        label=_("Motivo della deroga alla verifica dei documenti"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Solo se approvi prima di aver verificato tutti i documenti: resta nella cronologia."
        ),
    )


class RejectForm(forms.Form):
    prefix = "reject"

    reason = forms.CharField(
        label=_("Motivazione del rifiuto"), widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(forms.Form):
    prefix = "batch"

    title = forms.CharField(label=_("Titolo del lotto"), max_length=100)


class PaidForm(forms.Form):
    prefix = "paid"

    paid_on = forms.DateField(label=_("Pagato il"), widget=DATE)


class ChecklistForm(forms.Form):
    """One result and note per document: fields "<kind>-<pk>" and "<kind>-<pk>-note"."""

    prefix = "check"

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for key, label, state, note in documents:
            self.fields[key] = forms.ChoiceField(
                label=label, choices=DocumentCheck.choices, initial=state
            )
            self.fields[f"{key}-note"] = forms.CharField(
                label=_("Nota su: %(doc)s") % {"doc": label},
                required=False,
                max_length=300,
                initial=note,
            )

    def checks(self) -> dict[str, tuple[str, str]]:
        return {
            key: (self.cleaned_data[key], self.cleaned_data.get(f"{key}-note", ""))
            for key, _label, _state, _note in self.documents
        }
