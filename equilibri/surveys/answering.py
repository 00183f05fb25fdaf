"""The form of one section of a questionnaire: its fields built from the version's definition,
every answer checked against it (types, options, bounds, required and conditional questions).

Conditions are evaluated on the server, so the page works without JavaScript: a question shown
by an answer of an earlier section appears or not; one shown by an answer of the same section is
always on the page, labelled with its condition, and is required (and kept) only when the
condition holds."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from equilibri.territory.forms import ComuneField
from equilibri.territory.models import Comune

from . import definition as qdef
from .models import QuestionnaireVersion


def field_name(question: qdef.Question, row: str = "") -> str:
    return f"q_{question.key}__{row}" if row else f"q_{question.key}"


def stored_values(answers) -> dict[str, list[str]]:
    """Stored answer rows as {question: [values as text]}, as conditions read them."""
    values: dict[str, list[str]] = {}
    for answer in answers:
        if answer.option:
            value = f"{answer.row}:{answer.option}" if answer.row else answer.option
        elif answer.number is not None:
            value = str(answer.number.normalize())
        else:
            value = answer.text
        values.setdefault(answer.question, []).append(value)
    return values


class SectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        version: QuestionnaireVersion,
        section_index: int,
        prior: dict[str, list[str]],
        *args,
        initial_values: dict[str, list[str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.version_obj = version
        self.definition = version.parsed
        self.section = self.definition.sections[section_index]
        self.prior = prior
        self.fields["version"].initial = version.pk
        initial_values = initial_values or {}
        in_section = {q.key for q in self.section.questions}
        self.items: list[dict] = []
        for question in self.section.questions:
            condition = question.show_if
            earlier = condition is not None and condition.question not in in_section
            if earlier and not qdef.is_shown(question, prior):
                continue  # answered "no" in an earlier section: the question does not apply
            names = self._add_fields(question, initial_values.get(question.key, []))
            note = ""
            if condition is not None and condition.question in in_section:
                controller = self.definition.question(condition.question)
                labels = [controller.option_label(v) for v in condition.values]
                note = _("Rispondi solo se alla domanda «%(q)s» hai risposto: %(a)s.") % {
                    "q": controller.text,
                    "a": ", ".join(labels),
                }
            self.items.append({"question": question, "names": names, "note": note})

    def _add_fields(self, question: qdef.Question, initial: list[str]) -> list[str]:
        label = question.text
        common: dict[str, Any] = {
            "label": label,
            "required": False,
            "help_text": question.help_text,
        }
        kind = question.type
        if kind == "grid":
            names = []
            chosen = dict(v.split(":", 1) for v in initial if ":" in v)
            for row in question.rows:
                name = field_name(question, row.key)
                self.fields[name] = forms.ChoiceField(
                    label=row.text,
                    required=False,
                    choices=question.choices(),
                    widget=forms.RadioSelect,
                    initial=chosen.get(row.key),
                )
                names.append(name)
            return names
        name = field_name(question)
        field: forms.Field
        if kind in ("single", "scale"):
            field = forms.ChoiceField(
                choices=question.choices(), widget=forms.RadioSelect, **common
            )
            field.initial = initial[0] if initial else None
        elif kind == "multiple":
            field = forms.MultipleChoiceField(
                choices=question.choices(), widget=forms.CheckboxSelectMultiple, **common
            )
            field.initial = initial
        elif kind == "number":
            field = forms.DecimalField(
                min_value=question.min,
                max_value=question.max,
                max_digits=14,
                decimal_places=0 if question.integer else 2,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric" if question.integer else "decimal"}
                ),
                **common,
            )
            field.initial = initial[0] if initial else None
        elif kind == "comune":
            field = ComuneField(**{**common, "help_text": question.help_text or None})
            if initial:
                field.initial = Comune.objects.filter(istat_code=initial[0]).first()
        elif kind == "date":
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
            field.initial = initial[0] if initial else None
            if question.min:
                field.widget.attrs["min"] = question.min.isoformat()
            if question.max:
                field.widget.attrs["max"] = question.max.isoformat()
        else:  # text
            field = forms.CharField(
                max_length=question.max_length,
                widget=forms.Textarea(attrs={"rows": 4}),
                strip=True,
                **common,
            )
            field.initial = initial[0] if initial else None
        self.fields[name] = field
        return [name]

    def clean_version(self):
        # A page of another version (an old tab, a tampered form) is refused, never mixed in.
        if self.cleaned_data["version"] != self.version_obj.pk:
            raise forms.ValidationError(
                _("Questa pagina è di un'altra versione del questionario: ricaricala."),
                code="version",
            )
        return self.cleaned_data["version"]

    def _values(self, question: qdef.Question) -> list[str]:
        """This section's cleaned answer to `question` as text values (for conditions)."""
        if question.type == "grid":
            return [
                f"{row.key}:{self.cleaned_data[field_name(question, row.key)]}"
                for row in question.rows
                if self.cleaned_data.get(field_name(question, row.key))
            ]
        value = self.cleaned_data.get(field_name(question))
        if value in (None, "", []):
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        if isinstance(value, Comune):
            return [value.istat_code]
        if isinstance(value, Decimal):
            return [str(value.normalize())]
        if hasattr(value, "isoformat"):
            return [value.isoformat()]
        return [str(value)]

    def clean(self):
        cleaned = super().clean() or {}
        values = dict(self.prior)
        self.shown: dict[str, bool] = {}
        for item in self.items:
            question = item["question"]
            given = self._values(question)
            if not any(name in self.errors for name in item["names"]):
                values[question.key] = given
            shown = qdef.is_shown(question, values)
            self.shown[question.key] = shown
            first = item["names"][0]
            if not shown or any(name in self.errors for name in item["names"]):
                continue
            if question.type == "grid":
                missing = question.required and len(given) < len(question.rows)
            else:
                missing = question.required and not given
            if missing:
                self.add_error(first, _("Rispondi a questa domanda."))
                continue
            if question.type == "multiple" and given:
                exclusive = {o.key for o in question.options if o.exclusive}
                if len(given) > 1 and exclusive & set(given):
                    self.add_error(
                        first,
                        _("«%(option)s» non si sceglie insieme ad altre risposte.")
                        % {"option": question.option_label(next(iter(exclusive & set(given))))},
                    )
                elif question.max_choices and len(given) > question.max_choices:
                    self.add_error(
                        first,
                        _("Scegli al massimo %(n)d risposte.") % {"n": question.max_choices},
                    )
            if question.type == "date" and given:
                day = cleaned[first]
                if (question.min and day < question.min) or (question.max and day > question.max):
                    self.add_error(
                        first,
                        _("Indica una data tra il %(start)s e il %(end)s.")
                        % {
                            "start": question.min.strftime("%d/%m/%Y") if question.min else "—",
                            "end": question.max.strftime("%d/%m/%Y") if question.max else "—",
                        },
                    )
        return cleaned

    def answer_rows(self) -> dict[str, list[dict]]:
        """{question: [Answer fields]} of this section's questions, after is_valid(); a question
        whose condition does not hold gets no rows (an answer typed before is dropped)."""
        rows: dict[str, list[dict]] = {}
        for question in self.section.questions:
            rows[question.key] = []
        for item in self.items:
            question = item["question"]
            if not self.shown.get(question.key):
                continue
            out = rows[question.key]
            if question.type == "grid":
                for row in question.rows:
                    value = self.cleaned_data.get(field_name(question, row.key))
                    if value:
                        out.append({"row": row.key, "option": value})
                continue
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            if question.type == "multiple":
                out.extend({"option": v} for v in value)
            elif question.type == "single":
                out.append({"option": value})
            elif question.type == "scale":
                out.append({"option": value, "number": Decimal(value)})
            elif question.type == "number":
                out.append({"number": value})
            elif question.type == "comune":
                out.append({"option": value.istat_code})
            elif question.type == "date":
                out.append({"text": value.isoformat()})
            else:
                out.append({"text": value})
        return rows

    def bound_items(self) -> list[dict]:
        """What the page shows: each question with its bound fields and condition note."""
        return [
            {
                "question": item["question"],
                "fields": [self[name] for name in item["names"]],
                "note": item["note"],
                "errors": [e for name in item["names"] for e in self.errors.get(name, [])],
            }
            for item in self.items
        ]
