"""Forms of the reserved area for plans, projects, actions, indicators and milestones.

Forms check the shape of the input (types, required fields, choices); the business rules are in
the services package and their ValidationErrors are added back to these forms by the views.
"""

from decimal import Decimal
from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from equilibri.network.models import Alliance, Organisation
from equilibri.territory.models import ATS, Comune

from .models import (
    Action,
    ActionCategory,
    Indicator,
    Milestone,
    Project,
    ProjectPartner,
    TerritorialPlan,
)
from .services import ACTION_FIELDS, PLAN_FIELDS, PROJECT_FIELDS

MONEY_ERRORS = {
    "max_decimal_places": _("Usa al massimo due cifre decimali (i centesimi), ad esempio 1500,50."),
    "min_value": _("L'importo non può essere negativo: scrivi 0 o un importo positivo."),
    "invalid": _("Scrivi un importo in euro, ad esempio 1500,00."),
}


def money(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=MONEY_ERRORS,
        **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = TerritorialPlan
        fields = ["ats", *PLAN_FIELDS]
        widgets = {
            "approval_act_date": DateInput(),
            "guidance_needs": forms.Textarea(attrs={"rows": 4}),
            "guidance_priorities": forms.Textarea(attrs={"rows": 4}),
            "guidance_strategies": forms.Textarea(attrs={"rows": 4}),
            "guidance_integration": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, ats_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": 2000, "max": 2100})
            self.fields[name].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        if self.instance.pk:
            # The ATS of an existing plan does not change (its projects and alliances are there).
            del self.fields["ats"]
        else:
            ats = cast(forms.ModelChoiceField, self.fields["ats"])
            ats.queryset = ats_queryset if ats_queryset is not None else ATS.objects.all()
            ats.empty_label = None

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error(
                "end_year",
                _(
                    "L'anno di fine (%(end)s) viene prima dell'anno di inizio (%(start)s): "
                    "scrivi un anno uguale o successivo a %(start)s."
                )
                % {"end": end, "start": start},
            )
        return data

    def _post_clean(self):
        # The model's check constraint is reported by clean() with a clearer message.
        if not self.has_error("end_year"):
            super()._post_clean()  # type: ignore[misc]


class PlanGrantForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Anno"), coerce=int)
    amount = money(_("Contributo regionale (€)"))

    def __init__(self, *args, plan: TerritorialPlan, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (y, str(y)) for y in range(plan.start_year, plan.end_year + 1)
        ]


class ProjectForm(forms.ModelForm):
    regional_grant = money(_("Contributo regionale (€)"))
    cofinancing = money(_("Cofinanziamento (€)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, plan: TerritorialPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        alliance = cast(forms.ModelChoiceField, self.fields["alliance"])
        alliance.queryset = Alliance.objects.filter(ats_id=plan.ats_id)
        alliance.help_text = _("Le alleanze locali di %(ats)s. Vuoto per le azioni di sistema.") % {
            "ats": plan.ats
        }
        alliance.error_messages["invalid_choice"] = _(
            "Scegli un'alleanza di %(ats)s, l'ATS del piano."
        ) % {"ats": plan.ats}
        organisations = Organisation.objects.select_related("comune").order_by("name")
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = organisations
        cast(forms.ModelChoiceField, self.fields["contractor"]).queryset = organisations
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def _post_clean(self):
        # Model validation (and the plan/state it needs) happens in the service.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartnerForm(forms.ModelForm):
    class Meta:
        model = ProjectPartner
        fields = ["organisation", "role"]
        labels = {"organisation": _("Ente partner")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = Organisation.objects.order_by("name")

    def _post_clean(self):
        pass


class ActionForm(forms.ModelForm):
    budget = money(_("Budget (€)"))
    comuni = forms.ModelMultipleChoiceField(
        label=_("Comuni coperti"),
        queryset=Comune.objects.none(),
        required=False,
        help_text=_("Tieni premuto Ctrl (o Cmd) per sceglierne più di uno."),
    )

    class Meta:
        model = Action
        fields = ["title", "category", "description", "target_groups", "budget", "comuni"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["category"]
        ).queryset = ActionCategory.objects.all()
        comuni = cast(forms.ModelMultipleChoiceField, self.fields["comuni"])
        comuni.queryset = Comune.objects.filter(ats_id=project.plan.ats_id).order_by("name")
        comuni.widget.attrs["size"] = 10
        comuni.error_messages["invalid_choice"] = _(
            "%(value)s non è un comune di %(ats)s: scegli i comuni dall'elenco."
        ) % {"value": "%(value)s", "ats": project.plan.ats}
        if self.instance.pk:
            comuni.initial = list(self.instance.comuni.values_list("pk", flat=True))

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ACTION_FIELDS}


class IndicatorForm(forms.ModelForm):
    target = forms.DecimalField(
        label=_("Obiettivo"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "min_value": _("L'obiettivo non può essere negativo: scrivi 0 o un numero positivo."),
            "max_decimal_places": _("Usa al massimo due cifre decimali."),
        },
    )

    class Meta:
        model = Indicator
        fields = ["name", "unit", "target", "by_gender"]

    def _post_clean(self):
        pass


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done_on"]
        widgets = {"due_date": DateInput(), "done_on": DateInput()}

    def _post_clean(self):
        pass


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Nota (facoltativa)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
