from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action, Expenditure, Indicator, MonitoringReport, TerritorialPlan
from .monitoring_services import IndicatorInput


class ReportOpenForm(forms.Form):
    period_start = forms.ChoiceField(label=_("Periodo"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .monitoring_services import period_label

        field = self.fields["period_start"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(start.isoformat(), period_label(start, end)) for start, end in periods]


def _number(label, initial) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, initial=initial, required=False, min_value=Decimal("0"), decimal_places=2
    )


class ReportForm(forms.Form):
    """The narrative and one value per indicator (by gender, in core.genders' categories, when
    the indicator is)."""

    narrative = forms.CharField(
        label=_("Relazione descrittiva del periodo"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args, report: MonitoringReport, indicators, **kwargs):
        values = {v.indicator_id: v for v in report.values.all()}
        kwargs["initial"] = {"narrative": report.narrative}
        super().__init__(*args, **kwargs)
        self.indicators: list[Indicator] = list(indicators)
        for indicator in self.indicators:
            current = values.get(indicator.pk)
            label = f"{indicator.name} ({indicator.get_unit_display()}) — {indicator.action.title}"
            self.fields[f"value_{indicator.pk}"] = _number(
                label, current.value if current else None
            )
            if indicator.by_gender:
                names = {"name": indicator.name, "action": indicator.action.title}
                self.fields[f"women_{indicator.pk}"] = _number(
                    _("%(name)s: di cui donne — %(action)s") % names,
                    current.women if current else None,
                )
                self.fields[f"men_{indicator.pk}"] = _number(
                    _("%(name)s: di cui uomini — %(action)s") % names,
                    current.men if current else None,
                )
                self.fields[f"other_gender_{indicator.pk}"] = _number(
                    _("%(name)s: di cui altro genere — %(action)s") % names,
                    current.other_gender if current else None,
                )
                self.fields[f"gender_unspecified_{indicator.pk}"] = _number(
                    _("%(name)s: di cui genere non indicato — %(action)s") % names,
                    current.gender_unspecified if current else None,
                )

    def values(self) -> dict[int, IndicatorInput]:
        data = self.cleaned_data
        return {
            i.pk: IndicatorInput(
                data.get(f"value_{i.pk}"),
                data.get(f"women_{i.pk}"),
                data.get(f"men_{i.pk}"),
                data.get(f"other_gender_{i.pk}"),
                data.get(f"gender_unspecified_{i.pk}"),
            )
            for i in self.indicators
        }


class ExpenditureForm(forms.Form):
    action = forms.ModelChoiceField(
        label=_("Voce di budget (azione)"), queryset=Action.objects.none()
    )
    description = forms.CharField(label=_("Descrizione"), max_length=300)
    amount = forms.DecimalField(
        label=_("Importo (€)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    document = forms.FileField(
        label=_("Documento di spesa"),
        required=False,
        help_text=_("PDF, JPEG o PNG, al massimo 10 MB."),
    )
    self_declared = forms.BooleanField(
        label=_("Spesa attestata con autodichiarazione (senza documento)"), required=False
    )

    def __init__(self, *args, report: MonitoringReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.filter(project_id=report.project_id)  # type: ignore[attr-defined]
        # The fields belong to the report's form on the page (monitoring_report_edit.html): adding
        # an expenditure posts the narrative and indicators typed so far, saved first.
        for field in self.fields.values():
            field.widget.attrs["form"] = "report-form"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Osservazioni per il capofila"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CheckForm(forms.Form):
    check_state = forms.ChoiceField(
        label=_("Esito"),
        choices=[
            (Expenditure.Check.ACCEPTED, Expenditure.Check.ACCEPTED.label),
            (Expenditure.Check.REJECTED, Expenditure.Check.REJECTED.label),
        ],
    )
    check_note = forms.CharField(label=_("Nota"), required=False, max_length=1000)


class DrawForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Piano"), queryset=TerritorialPlan.objects.none())
    share = forms.DecimalField(
        label=_("Quota da campionare (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("10"),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class ReportFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[
            ("", _("Tutte")),
            ("scadute", _("Scadute")),
            *MonitoringReport.State.choices,
        ],
    )
