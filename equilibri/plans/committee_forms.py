from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.models import User
from equilibri.accounts.roles import Role
from equilibri.network.models import Organisation

from .models import (
    Committee,
    CommitteeMember,
    EvaluationCriterion,
    Meeting,
    Priority,
    Project,
)


class MemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["full_name", "organisation", "role", "active", "user"]
        labels = {"user": _("Account sulla piattaforma (per compilare le schede)")}

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            staff_roles__role=Role.COMMITTEE_MEMBER, staff_roles__ats_id=committee.ats_id
        ).distinct()
        self.fields["user"].required = False


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "description", "order"]
        labels = {"order": _("Posizione nell'elenco")}


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_at", "place", "agenda", "minutes"]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }


class MeetingDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titolo dell'allegato"), max_length=200)
    file = forms.FileField(label=_("File PDF"), help_text=_("Solo PDF, al massimo 10 MB."))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decisione"), widget=forms.Textarea(attrs={"rows": 3}))
    project = forms.ModelChoiceField(
        label=_("Progetto interessato"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            plan__ats_id=committee.ats_id
        )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields = ["name", "weight", "max_score"]


class ScoreSheetForm(forms.Form):
    conflict_of_interest = forms.BooleanField(
        label=_("Dichiaro un conflitto di interessi su questo progetto (mi astengo)"),
        required=False,
    )
    conflict_note = forms.CharField(
        label=_("Motivo del conflitto di interessi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(
        label=_("Commento"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("%(name)s (da 0 a %(max)s, peso %(weight)s)")
                % {
                    "name": criterion.name,
                    "max": criterion.max_score,
                    "weight": number_format(criterion.weight, decimal_pos=2),
                },
                required=False,
                decimal_places=2,
                # The range is the service's rule (its message names the criterion); the
                # attributes let the browser say it too.
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.max_score, "step": "0.01"}
                ),
            )
        # The comment last.
        self.order_fields(
            ["conflict_of_interest", "conflict_note"]
            + [f"score_{c.pk}" for c in self.criteria]
            + ["comment"]
        )

    def scores(self) -> dict[int, Decimal]:
        return {
            c.pk: self.cleaned_data[f"score_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.pk}") is not None
        }
