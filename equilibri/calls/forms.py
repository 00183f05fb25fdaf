from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from equilibri.core.money import format_money, format_number, format_percent
from equilibri.network.models import Organisation, SizeClass
from equilibri.plans.models import ActionCategory, TerritorialPlan
from equilibri.territory.models import ATS

from .models import (
    Application,
    BudgetLine,
    Call,
    CallCriterion,
    CallFAQ,
    CallMacroArea,
    CallRule,
    ExpenseItem,
    ExpenseReport,
    Payment,
)
from .services import CALL_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def change_reason_field(required: bool = True) -> forms.CharField:
    """The reason of a change to a published call, e-mailed to its applicants and partners."""
    return forms.CharField(
        label=_("Motivo della modifica"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Il bando è pubblicato: il motivo è comunicato per e-mail ai richiedenti e ai "
            "partner invitati e resta nello storico delle modifiche."
        ),
    )


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = list(CALL_FIELDS)
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
            "required_documents": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "opens_at": _("Data e ora di Roma."),
            "closes_at": _("Data e ora di Roma: dopo questo istante le domande sono rifiutate."),
        }

    def __init__(self, *args, ats_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
            ]
        plans = TerritorialPlan.objects.select_related("ats")
        if ats_ids is not None:
            plans = plans.filter(ats_id__in=ats_ids)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        if self.instance.pk and self.instance.is_published:
            self.fields["reason"] = change_reason_field()


class CallCreateForm(CallForm):
    ats: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=ATS.objects.none(), label=_("ATS")
    )

    class Meta(CallForm.Meta):
        fields = ["ats", *CallForm.Meta.fields]

    def __init__(self, *args, ats_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ats"].queryset = ats_queryset  # type: ignore[attr-defined]
        if ats_queryset is not None and ats_queryset.count() == 1:
            self.fields["ats"].initial = ats_queryset.first()


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Regola"), choices=CallRule.Kind.choices)
    number = forms.IntegerField(label=_("Numero"), min_value=1, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Tipologie di organizzazione"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sizes = forms.MultipleChoiceField(
        label=_("Dimensioni d'impresa"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    label = forms.CharField(
        label=_("Descrizione"),
        max_length=300,
        required=False,
        help_text=_("Come chiamare i membri contati o il testo della dichiarazione."),
    )

    def __init__(self, *args, call: Call | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None and call.is_published:
            # The service names a missing reason after the rule's own errors.
            self.fields["reason"] = change_reason_field(required=False)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = CallCriterion
        fields = ["name", "description", "max_score", "min_score"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MacroAreaForm(forms.ModelForm):
    class Meta:
        model = CallMacroArea
        fields = ["name", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ActionCategory.objects.all()  # type: ignore[attr-defined]


class FAQForm(forms.ModelForm):
    class Meta:
        model = CallFAQ
        fields = ["question", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}


class CallDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    file = forms.FileField(label=_("File (PDF, JPEG o PNG, al massimo 10 MB)"))


class ApplicationStartForm(forms.Form):
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Ente capofila"), required=False
    )
    applicant_name = forms.CharField(
        label=_("Richiedente o impresa (anche da costituire)"), max_length=200, required=False
    )
    title = forms.CharField(label=_("Titolo del progetto"), max_length=400)

    def __init__(self, *args, call: Call, leads=None, identity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call.for_individuals:
            del self.fields["lead"]
            self.fields["applicant_name"].required = True
            if identity is not None and (identity.first_name or identity.last_name):
                # The name SPID or CIE verified; still editable, as a new business applies
                # under its own name.
                name = f"{identity.first_name} {identity.last_name}".strip()
                self.fields["applicant_name"].initial = name
        else:
            del self.fields["applicant_name"]
            self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
            self.fields["lead"].required = True


class ApplicationForm(forms.ModelForm):
    """The application's main data, the declarations and one description per macro-area."""

    class Meta:
        model = Application
        fields = [
            "title",
            "applicant_name",
            "summary",
            "requested_grant",
            "lead_operating_office_in_lombardy",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        application: Application = self.instance
        call = application.call
        if call.for_individuals:
            del self.fields["lead_operating_office_in_lombardy"]
            self.fields["applicant_name"].required = True
        else:
            del self.fields["applicant_name"]
            self.fields["lead_operating_office_in_lombardy"].label = _(
                "Dichiaro che %(org)s ha una sede operativa in Lombardia"
            ) % {"org": application.lead}
        self.fields["requested_grant"].help_text = _(
            "Al massimo il %(percent)s del costo ammissibile%(cap)s."
        ) % {
            "percent": format_percent(call.grant_percent),
            "cap": (_(", fino a %(cap)s") % {"cap": format_money(call.grant_cap)})
            if call.grant_cap
            else "",
        }
        declared = {str(d) for d in application.declarations}
        self.declaration_rules = list(call.rules.filter(kind=CallRule.Kind.DECLARATION))
        for rule in self.declaration_rules:
            self.fields[f"declaration_{rule.pk}"] = forms.BooleanField(
                label=rule.label, required=False, initial=str(rule.pk) in declared
            )
        descriptions = {a.macro_area_id: a.description for a in application.areas.all()}
        self.macro_areas = list(call.macro_areas.all())
        for area in self.macro_areas:
            self.fields[f"area_{area.pk}"] = forms.CharField(
                label=_("Attività nella macro-area «%(name)s»") % {"name": area.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=descriptions.get(area.pk, ""),
            )

    def declarations(self) -> list[str]:
        return [
            str(rule.pk)
            for rule in self.declaration_rules
            if self.cleaned_data.get(f"declaration_{rule.pk}")
        ]

    def area_texts(self) -> list[tuple[CallMacroArea, str]]:
        return [(area, self.cleaned_data.get(f"area_{area.pk}", "")) for area in self.macro_areas]


class PartnerInviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organizzazione partner")
    )
    role = forms.CharField(label=_("Ruolo nel progetto"), max_length=200, required=False)
    cofinancing = forms.DecimalField(
        label=_("Cofinanziamento del partner (€)"),
        min_value=0,
        decimal_places=2,
        max_digits=12,
        required=False,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["organisation"].label_from_instance = lambda o: (  # type: ignore[attr-defined]
            f"{o.name} — {o.get_kind_display()}, {o.comune.name}"
        )


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["description", "macro_area", "amount"]

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["macro_area"].queryset = call.macro_areas.all()  # type: ignore[attr-defined]
        self.fields["amount"].label = (
            _("Importo (€, IVA esclusa)") if call.vat_excluded else _("Importo (€, IVA inclusa)")
        )


class ApplicationDocumentForm(forms.Form):
    name = forms.ChoiceField(label=_("Documento"))
    file = forms.FileField(label=_("File (PDF, JPEG o PNG, al massimo 10 MB)"))

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        names = [*call.document_names, str(_("Altro documento"))]
        cast(forms.ChoiceField, self.fields["name"]).choices = [(n, n) for n in names]


class AdmissibilityForm(forms.Form):
    admissible = forms.TypedChoiceField(
        label=_("Esito"),
        choices=[("1", _("Ammissibile")), ("0", _("Non ammissibile"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for n, item in enumerate(items):
            self.fields[f"item_{n}"] = forms.BooleanField(label=item, required=False)

    def checklist(self) -> dict[str, bool]:
        return {item: bool(self.cleaned_data.get(f"item_{n}")) for n, item in enumerate(self.items)}


class IntegrationRequestForm(forms.Form):
    request_text = forms.CharField(
        label=_("Che cosa va integrato"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Entro il"), widget=DATE)


class IntegrationResponseForm(forms.Form):
    response = forms.CharField(label=_("Integrazione"), widget=forms.Textarea(attrs={"rows": 3}))


class ConflictForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflitto di interessi"),
        choices=[
            ("0", _("Dichiaro di non avere conflitti di interessi con i proponenti")),
            ("1", _("Dichiaro un conflitto di interessi e mi astengo")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    conflict_note = forms.CharField(
        label=_("Motivo del conflitto"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Commento"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        initial_scores = initial_scores or {}
        fields = {}
        for criterion in self.criteria:
            fields[f"criterion_{criterion.pk}"] = forms.DecimalField(
                label=_("%(name)s (da 0 a %(max)s)")
                % {"name": criterion.name, "max": format_number(criterion.max_score)},
                decimal_places=2,
                max_digits=6,
                initial=initial_scores.get(criterion.pk),
            )
        self.fields = {**fields, **self.fields}

    def scores(self) -> dict[int, object]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}


class DecisionForm(forms.Form):
    act_number = forms.CharField(
        label=_("Numero dell'atto"), max_length=100, help_text=_("es. Deliberazione n. 576")
    )
    act_date = forms.DateField(label=_("Data dell'atto"), widget=DATE)


class ExpenseReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di rendiconto"), choices=ExpenseReport.Kind.choices)


class ExpenseItemForm(forms.ModelForm):
    class Meta:
        model = ExpenseItem
        fields = ["budget_line", "description", "amount", "document"]

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = application.budget_lines.all()  # type: ignore[attr-defined]


class ExpenseSubmitForm(forms.Form):
    narrative = forms.CharField(
        label=_("Relazione sulle attività svolte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExpenseCheckForm(forms.Form):
    check_state = forms.ChoiceField(
        label=_("Esito"),
        choices=[c for c in ExpenseItem.Check.choices if c[0] != ExpenseItem.Check.PENDING],
    )
    accepted_amount = forms.DecimalField(
        label=_("Importo ammesso (€)"), required=False, min_value=0, decimal_places=2
    )
    note = forms.CharField(label=_("Nota"), required=False, max_length=500)


class ReportCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Esito della verifica"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "reference"]
        widgets = {"paid_on": DATE}
