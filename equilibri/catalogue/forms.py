"""Forms of the catalogue: the public search and helper, the mistake report, and the provider's
service editor (one main form plus a formset per list: locations, hours, closures...)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers
from equilibri.core.categories import CATEGORY_LABELS
from equilibri.core.widgets import (
    FastCheckboxInput,
    FastDateInput,
    FastNumberInput,
    FastSelect,
    FastTextInput,
)
from equilibri.network.models import Organisation
from equilibri.territory.forms import ComuneField
from equilibri.territory.models import Comune

from .models import CostOption, Location, Schedule, Service
from .query import month_name, weekday_name
from .search import Term, taxonomy_terms
from .services import LANGUAGE_NAMES

DEFAULT_RADIUS_KM = 20
# Ages in months up to five years (a nido's "18 mesi"), in years (decimals allowed) up to 120.
MAX_AGE_YEARS = 120
MAX_AGE_MONTHS = 60
MIN_RADIUS_KM = Decimal("0.1")


def category_choices() -> list[tuple[str, str]]:
    """Top-level categories, each followed by its sub-categories (indented)."""
    return list(_category_choices(get_language(), taxonomy_terms()))


@lru_cache(maxsize=16)
def _category_choices(language: str, terms: tuple[Term, ...]) -> tuple[tuple[str, str], ...]:
    # Labels as translated text, once per language and taxonomy: `FastSelect` keeps its options'
    # HTML by choices, and a lazy label would be translated again to be compared.
    choices = [("", str(_("Tutte le categorie")))]
    for term in terms:
        if term.parent_id is not None:
            continue
        # Top-level names come from the translatable shortcut labels (the terms are data).
        choices.append((term.code, str(CATEGORY_LABELS.get(term.code, term.name))))
        choices += [
            (child.code, f"— {child.name}") for child in terms if child.parent_id == term.pk
        ]
    return tuple(choices)


def month_choices() -> list[tuple[str, str]]:
    return list(_month_choices(get_language() or "it"))


@lru_cache(maxsize=8)
def _month_choices(language: str) -> tuple[tuple[str, str], ...]:
    # Translated once per language (`FastSelect` keeps its options' HTML by choices).
    return (
        ("", str(_("Qualsiasi mese"))),
        *((str(m), month_name(m)) for m in range(1, 13)),
    )


def weekday_choices() -> list[tuple[str, str]]:
    return list(_weekday_choices(get_language() or "it"))


@lru_cache(maxsize=8)
def _weekday_choices(language: str) -> tuple[tuple[str, str], ...]:
    return (
        ("", str(_("Qualsiasi giorno"))),
        *((str(d), weekday_name(d)) for d in range(7)),
    )


class LocalDecimalField(forms.DecimalField):
    """A decimal number written with a comma or a point ("7,5" or "7.5"), at most 20 characters
    (a longer one is not a number anyone means)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
            if len(value) > 20:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return super().to_python(value)
        except InvalidOperation:  # pragma: no cover - Django turns it into "invalid" already
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def language_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("Qualsiasi lingua"))),
        *sorted(LANGUAGE_NAMES.items(), key=lambda item: item[0] != "it"),
    ]


class SearchForm(forms.Form):
    """Every field optional; any garbage in the URL becomes a form error, never a 500."""

    q = forms.CharField(
        label=_("Che cosa cerchi?"), required=False, max_length=200, widget=FastTextInput
    )
    categoria = forms.ChoiceField(label=_("Categoria"), required=False, widget=FastSelect)
    comune = ComuneField(label=_("Vicino a (comune)"), required=False)
    raggio = LocalDecimalField(
        label=_("Distanza massima (km)"),
        required=False,
        min_value=MIN_RADIUS_KM,
        max_value=settings.MAX_SEARCH_RADIUS_KM,
        max_digits=6,
        decimal_places=1,
        widget=FastNumberInput,
        help_text=format_lazy(
            _("Fino a {max} km, anche con un decimale (7,5); se non la indichi: {default} km."),
            max=settings.MAX_SEARCH_RADIUS_KM,
            default=DEFAULT_RADIUS_KM,
        ),
        error_messages={
            "invalid": _("Scrivi la distanza in km con un numero, ad esempio 7,5."),
            "min_value": _("La distanza deve essere almeno di 0,1 km."),
            "max_value": format_lazy(
                _("La distanza può essere al massimo di {max} km."),
                max=settings.MAX_SEARCH_RADIUS_KM,
            ),
            "max_decimal_places": _("Indica la distanza con al massimo un decimale (7,5)."),
            "max_digits": _("Scrivi la distanza in km con un numero, ad esempio 7,5."),
            "max_whole_digits": _("Scrivi la distanza in km con un numero, ad esempio 7,5."),
        },
    )
    eta = LocalDecimalField(
        label=_("Età del bambino o della persona (anni)"),
        required=False,
        min_value=0,
        max_value=MAX_AGE_YEARS,
        max_digits=5,
        decimal_places=2,
        widget=FastNumberInput(attrs={"step": "any"}),
        help_text=_("Anche con decimali: 1,5 è un anno e mezzo."),
        error_messages={
            "invalid": _("Scrivi l'età in anni con un numero, ad esempio 6 o 1,5."),
            "min_value": _("L'età non può essere negativa."),
            "max_value": _("Scrivi un'età fino a 120 anni."),
            "max_decimal_places": _("Indica l'età con al massimo due decimali."),
            "max_digits": _("Scrivi l'età in anni con un numero, ad esempio 6 o 1,5."),
            "max_whole_digits": _("Scrivi un'età fino a 120 anni."),
        },
    )
    eta_mesi = forms.IntegerField(
        label=_("Oppure età in mesi (sotto i 5 anni)"),
        required=False,
        min_value=0,
        max_value=MAX_AGE_MONTHS,
        widget=FastNumberInput,
        help_text=_("Per i più piccoli: ad esempio 8 mesi."),
        error_messages={
            "invalid": _("Scrivi l'età in mesi con un numero intero, ad esempio 8."),
            "min_value": _("L'età non può essere negativa."),
            "max_value": _("In mesi fino a 60 (5 anni); oltre, indica l'età in anni."),
        },
    )
    giorno = forms.DateField(
        label=_("Aperto il giorno"),
        required=False,
        widget=FastDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    mese = forms.TypedChoiceField(
        label=_("Aperto nel mese di"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        help_text=_("Il prossimo mese con questo nome, quello in corso compreso."),
        error_messages={"invalid_choice": _("Scegli un mese dall'elenco.")},
    )
    giorno_settimana = forms.TypedChoiceField(
        label=_("Aperto di (giorno della settimana)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        error_messages={"invalid_choice": _("Scegli un giorno della settimana dall'elenco.")},
    )
    aperto_ora = forms.BooleanField(
        label=_("Aperto adesso"), required=False, widget=FastCheckboxInput
    )
    gratuito = forms.BooleanField(
        label=_("Solo gratuiti"), required=False, widget=FastCheckboxInput
    )
    voucher = forms.BooleanField(
        label=_("Rimborsabili con voucher"), required=False, widget=FastCheckboxInput
    )
    lingua = forms.ChoiceField(label=_("Lingua"), required=False, widget=FastSelect)
    ordina = forms.ChoiceField(
        label=_("Ordina per"),
        required=False,
        choices=[("", _("Pertinenza")), ("distanza", _("Distanza"))],
        widget=FastSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)
        self.fields["categoria"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["lingua"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["mese"].choices = month_choices()  # type: ignore[attr-defined]
        self.fields["giorno_settimana"].choices = weekday_choices()  # type: ignore[attr-defined]

    def clean_giorno(self):
        day = self.cleaned_data.get("giorno")
        if day is not None and not (datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1)):
            raise forms.ValidationError(_("Scegli una data tra il 2000 e il 2100."))
        return day

    def clean(self):
        data = super().clean() or {}
        if data.get("ordina") == "distanza" and not data.get("comune") and "comune" in data:
            self.add_error("comune", _("Per ordinare per distanza indica un comune."))
        if data.get("raggio") and not data.get("comune") and "comune" in data:
            self.add_error("comune", _("Indica il comune da cui misurare la distanza."))
        if data.get("eta") is not None and data.get("eta_mesi") is not None:
            self.add_error("eta_mesi", _("Indica l'età in anni oppure in mesi, non in entrambi."))
        return data

    def age_years(self) -> Decimal | None:
        """The age asked for, in years (months as a fraction of a year), or None."""
        data = self.cleaned_data
        if data.get("eta") is not None:
            return data["eta"]
        if data.get("eta_mesi") is not None:
            return (Decimal(data["eta_mesi"]) / 12).quantize(Decimal("0.01"))
        return None


class HelperForm(forms.Form):
    """ "What can I get?": comune of residence, employer, children's ages."""

    comune = ComuneField(label=_("Il comune dove vivi"))
    datore = forms.ModelChoiceField(
        label=_("Il tuo datore di lavoro (se fa parte della rete)"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Nessuno o non in elenco"),
    )
    eta_figli = forms.CharField(
        label=_("Età dei figli o delle persone che assisti"),
        required=False,
        max_length=60,
        help_text=_("Separate da virgole, ad esempio: 2, 7"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "helper-%s")
        super().__init__(*args, **kwargs)

    def clean_eta_figli(self) -> list[int]:
        text = self.cleaned_data.get("eta_figli") or ""
        ages = []
        for part in text.replace(";", ",").replace(" ", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > 120:
                raise forms.ValidationError(
                    _("Scrivi le età come numeri separati da virgole, ad esempio: 2, 7.")
                )
            ages.append(int(part))
        return ages[:6]


class MistakeReportForm(forms.Form):
    message = forms.CharField(
        label=_("Che cosa non è corretto?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = identifiers.EmailFormField(
        label=_("La tua e-mail (facoltativa, per risponderti)"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "mistake-%s")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Nota per l'ente"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Provider editor ---------------------------------------------------------------------------


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Nome del servizio"), max_length=200)
    alternate_name = forms.CharField(label=_("Altro nome"), max_length=200, required=False)
    description = forms.CharField(label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(
        label=_("Stato del servizio"), choices=Service.Status.choices, initial="active"
    )
    terms = forms.MultipleChoiceField(
        label=_("Categorie"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    url = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")
    email = identifiers.EmailFormField(label=_("E-mail"), required=False)
    application_process = forms.CharField(
        label=_("Come si accede"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fees_description = forms.CharField(
        label=_("Costi (descrizione)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    eligibility_description = forms.CharField(
        label=_("Chi può accedere"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minimum_age = forms.IntegerField(label=_("Età minima"), required=False, min_value=0)
    maximum_age = forms.IntegerField(label=_("Età massima"), required=False, min_value=0)
    wait_time = forms.CharField(label=_("Tempi di attesa"), max_length=200, required=False)
    eligible_comuni = forms.CharField(
        label=_("Riservato ai residenti di (comuni)"),
        required=False,
        max_length=2000,
        help_text=_("Nomi dei comuni separati da virgole; vuoto: aperto a tutti."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "service-%s")
        super().__init__(*args, **kwargs)
        self.fields["terms"].choices = [  # type: ignore[attr-defined]
            c for c in category_choices() if c[0]
        ]

    def clean_eligible_comuni(self) -> list[int]:
        from equilibri.territory.selectors import comune_lookup

        ids = []
        for name in (self.cleaned_data.get("eligible_comuni") or "").split(","):
            name = name.strip()
            if not name:
                continue
            matches = comune_lookup(name)
            if len(matches) != 1:
                raise forms.ValidationError(
                    _("Non troviamo un solo comune chiamato «%(name)s»: controlla il nome.")
                    % {"name": name}
                )
            ids.append(matches[0].pk)
        return ids

    def clean(self):
        data = super().clean() or {}
        lo, hi = data.get("minimum_age"), data.get("maximum_age")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("maximum_age", _("L'età massima non può essere minore dell'età minima."))
        return data


class LocationForm(forms.Form):
    uuid = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Location.Kind.choices, initial="physical")
    name = forms.CharField(label=_("Nome della sede"), max_length=200)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    postal_code = identifiers.PostcodeFormField(label=_("CAP"), required=False)
    comune = ComuneField(label=_("Comune"), required=False)
    latitude = forms.FloatField(label=_("Latitudine"), required=False, min_value=35, max_value=48)
    longitude = forms.FloatField(label=_("Longitudine"), required=False, min_value=6, max_value=19)
    url = forms.URLField(
        label=_("Indirizzo web (servizi online)"), required=False, assume_scheme="https"
    )
    accessibility = forms.CharField(label=_("Accessibilità"), max_length=500, required=False)
    transportation = forms.CharField(label=_("Come arrivare"), max_length=500, required=False)
    wheelchair_accessible = forms.BooleanField(
        label=_("Accessibile in sedia a rotelle"), required=False
    )


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Giorno"), choices=[("", "—"), *Schedule.Weekday.choices], coerce=int
    )
    opens_at = forms.TimeField(label=_("Apre alle"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(
        label=_("Chiude alle"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    valid_from = forms.DateField(
        label=_("Valido dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valido fino al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ClosureForm(forms.Form):
    date_from = forms.DateField(
        label=_("Chiuso dal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Chiuso fino al"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Motivo"), max_length=200, required=False)


class PhoneForm(forms.Form):
    number = identifiers.PhoneFormField(label=_("Numero"))
    description = forms.CharField(
        label=_("Note sul numero (es. orari in cui rispondere)"), max_length=200, required=False
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nome"), max_length=200, required=False)
    title = forms.CharField(label=_("Ruolo"), max_length=200, required=False)
    email = identifiers.EmailFormField(label=_("E-mail"), required=False)
    phone = identifiers.PhoneFormField(label=_("Telefono"), required=False)


class LanguageForm(forms.Form):
    code = forms.ChoiceField(
        label=_("Lingua"), choices=[("", "—"), *sorted(LANGUAGE_NAMES.items())]
    )


class CostForm(forms.Form):
    option = forms.ChoiceField(label=_("Costo"), choices=[("", "—"), *CostOption.Option.choices])
    amount = forms.DecimalField(
        label=_("Importo (€)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    amount_description = forms.CharField(
        label=_("Descrizione dell'importo"), max_length=200, required=False
    )


def _formset(form, extra=1):
    return forms.formset_factory(form, extra=extra, can_delete=True, max_num=30)


FORMSETS = {
    "locations": (_formset(LocationForm), _("Sedi")),
    "schedules": (_formset(ScheduleForm, extra=2), _("Orari settimanali")),
    "closures": (_formset(ClosureForm), _("Chiusure")),
    "phones": (_formset(PhoneForm), _("Telefoni")),
    "contacts": (_formset(ContactForm), _("Referenti")),
    "languages": (_formset(LanguageForm), _("Lingue")),
    "cost_options": (_formset(CostForm), _("Costi")),
}


def _initial_row(key: str, row: dict) -> dict:
    row = dict(row)
    if key == "locations" and row.get("comune"):
        row["comune"] = Comune.objects.filter(pk=row["comune"]).first()
    return row


class ServiceEditor:
    """The main form and the formsets, built from a service's data dict; `data()` gives the
    dict back for services.py."""

    def __init__(self, post=None, *, initial: dict | None = None):
        initial = initial or {}
        main_initial = {k: v for k, v in initial.items() if not isinstance(v, list)}
        main_initial["terms"] = initial.get("terms", [])
        if initial.get("eligible_comuni"):
            main_initial["eligible_comuni"] = ", ".join(
                Comune.objects.filter(pk__in=initial["eligible_comuni"]).values_list(
                    "name", flat=True
                )
            )
        self.main = ServiceForm(post, initial=main_initial)
        self.extra = {
            k: initial.get(k) for k in ("eligible_project", "funding_action") if k in initial
        }
        self.formsets = []
        for key, (cls, label) in FORMSETS.items():
            rows = [_initial_row(key, r) for r in initial.get(key) or []]
            self.formsets.append((key, label, cls(post, initial=rows, prefix=key, form_kwargs={})))

    def is_valid(self) -> bool:
        ok = self.main.is_valid()
        for _key, _label, formset in self.formsets:
            ok = formset.is_valid() and ok
        return ok

    def data(self) -> dict:
        data = dict(self.main.cleaned_data)
        data["eligible_comuni"] = data.get("eligible_comuni") or []
        data.update(self.extra)
        for key, _label, formset in self.formsets:
            rows = []
            for form in formset.forms:
                cd = getattr(form, "cleaned_data", None)
                if not cd or cd.get("DELETE"):
                    continue  # an untouched blank row, or a row marked for deletion
                row = {k: v for k, v in cd.items() if k != "DELETE"}
                if key == "locations":
                    row["comune"] = row["comune"].pk if row.get("comune") else None
                rows.append(_jsonable(row))
            data[key] = rows
        return _jsonable(data)


def _jsonable(value):
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
