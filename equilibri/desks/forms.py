import re
from datetime import date, time, timedelta
from itertools import groupby
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers
from equilibri.network.models import Organisation
from equilibri.territory.forms import ComuneField

from .meetings import unknown_placeholders
from .models import (
    AgeBand,
    CollectiveAgreement,
    ContactChannel,
    Desk,
    GenderChoice,
    KnowledgeArticle,
    Need,
    SlotTemplate,
)

# Dates typed into a page's address or a form stay within these years: beyond them the agenda's
# "next day", a closure's days or the statistics' period would overflow the calendar or the
# database (a 500 instead of a message).
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between FIRST_DATE and LAST_DATE, with a message saying so otherwise."""

    def __init__(self, *args, **kwargs):
        attrs = {"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value and not FIRST_DATE <= value <= LAST_DATE:
            raise ValidationError(
                _("Scegli una data tra il %(first)s e il %(last)s.")
                % {"first": f"{FIRST_DATE:%d/%m/%Y}", "last": f"{LAST_DATE:%d/%m/%Y}"},
                code="out_of_range",
            )


class NearestDeskForm(forms.Form):
    comune = ComuneField(label=_("Il tuo comune"))
    raggio = forms.IntegerField(
        label=_("Distanza massima (km)"),
        min_value=1,
        max_value=settings.MAX_SEARCH_RADIUS_KM,
        initial=25,
        required=False,
    )


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes as Bootstrap Italia draws them: the input, then its label (not wrapped)."""

    template_name = "desks/widgets/checkbox_list.html"
    option_template_name = "desks/widgets/checkbox_option.html"


def slot_choices(slots) -> list:
    """The free slots as a select grouped by day: ("martedì 24 novembre", [(pk, "10:00 …")])."""
    groups = []
    for day, day_slots in groupby(slots, key=lambda s: timezone.localtime(s.starts_at).date()):
        options = [
            (
                slot.pk,
                f"{timezone.localtime(slot.starts_at):%H:%M}–"
                f"{timezone.localtime(slot.ends_at):%H:%M} · {slot.get_channel_display()}",
            )
            for slot in day_slots
        ]
        groups.append((date_format(day, "l j F Y"), options))
    return groups


class BookingForm(forms.Form):
    slot = forms.IntegerField(
        label=_("Giorno e ora"),
        error_messages={"required": _("Scegli il giorno e l'ora dell'appuntamento.")},
    )
    name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Ti scriviamo qui per confermare la prenotazione."),
    )
    phone = identifiers.PhoneFormField(
        label=_("Telefono"),
        required=False,
        help_text=_("Necessario per i colloqui al telefono: ti chiamiamo a questo numero."),
    )
    need = forms.ModelChoiceField(
        label=_("Argomento"), queryset=Need.objects.all(), required=False, empty_label="—"
    )
    topic = forms.CharField(
        label=_("Di cosa vuoi parlare"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Poche righe bastano: non scrivere dati sulla salute."),
    )
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy e acconsento al trattamento dei dati."),
        error_messages={"required": _("Per prenotare devi accettare l'informativa privacy.")},
    )

    def __init__(self, *args, slots=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget = forms.Select(choices=[("", "—"), *slot_choices(slots)])
        if user is not None and user.is_authenticated:
            # Signed in: the booking goes to the account's address, confirmed at once.
            del self.fields["email"]
            self.fields["name"].initial = user.get_full_name()


class SlotPickForm(forms.Form):
    slot = forms.IntegerField(
        label=_("Nuovo giorno e ora"),
        error_messages={"required": _("Scegli il nuovo giorno e la nuova ora.")},
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget = forms.Select(choices=[("", "—"), *slot_choices(slots)])


class AgreementSearchForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False, max_length=100)
    tipo = forms.ChoiceField(
        label=_("Tipo di contratto"),
        required=False,
        choices=[("", _("Tutti")), *CollectiveAgreement.Kind.choices],
    )
    misura = forms.ChoiceField(
        label=_("Misura di conciliazione"),
        required=False,
        choices=[
            ("", _("Tutte")),
            ("leave", _("Congedi e permessi")),
            ("flexible_hours", _("Flessibilità oraria")),
            ("part_time", _("Part-time")),
            ("smart_working", _("Lavoro agile")),
            ("welfare_credits", _("Welfare e flexible benefit")),
        ],
    )


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Cerca tra le domande frequenti"), required=False, max_length=100)


# --- Reserved area --------------------------------------------------------------------------


class AgendaForm(forms.Form):
    giorno = BoundedDateField(label=_("Giorno"), required=False)
    vista = forms.ChoiceField(
        label=_("Vista"),
        required=False,
        choices=[("giorno", _("Giorno")), ("settimana", _("Settimana"))],
    )
    sportello = forms.ModelChoiceField(
        label=_("Sportello"), queryset=Desk.objects.none(), required=False, empty_label=_("Tutti")
    )

    def __init__(self, *args, desks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if desks is not None:
            cast(Any, self.fields["sportello"]).queryset = desks


class ContactForm(forms.Form):
    desk = forms.ModelChoiceField(
        label=_("Sportello"), queryset=Desk.objects.none(), empty_label=None
    )
    contacted_at = forms.DateTimeField(
        label=_("Data e ora del contatto"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label=_("Canale"), choices=ContactChannel.choices)
    citizen_name = forms.CharField(
        label=_("Nome del cittadino (facoltativo)"),
        max_length=150,
        required=False,
        help_text=_("Vuoto: contatto anonimo."),
    )
    citizen_email = identifiers.EmailFormField(
        label=_("E-mail del cittadino (facoltativa)"),
        required=False,
        help_text=_(
            "Se è registrato sulla piattaforma, il contatto viene collegato al suo profilo."
        ),
    )
    gender = forms.ChoiceField(label=_("Genere"), choices=GenderChoice.choices)
    age_band = forms.ChoiceField(label=_("Fascia d'età"), choices=AgeBand.choices)
    employer_organisation = forms.ModelChoiceField(
        label=_("Datore di lavoro (organizzazione della rete)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
    )
    employer_text = forms.CharField(
        label=_("Datore di lavoro (se non è nella rete)"), max_length=200, required=False
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Bisogni"),
        queryset=Need.objects.all(),
        widget=CheckboxList,
        error_messages={
            "required": _("Scegli almeno un bisogno: serve per le risposte e le statistiche.")
        },
    )
    answer = forms.CharField(
        label=_("Risposta data"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    articles = forms.ModelMultipleChoiceField(
        label=_("Schede della base di conoscenza usate"),
        queryset=KnowledgeArticle.objects.all(),
        widget=CheckboxList,
        required=False,
    )
    referral_services: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Invio a servizi del catalogo"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Tieni premuto Ctrl (o Cmd) per sceglierne più di uno."),
    )
    referral_schemes = forms.MultipleChoiceField(
        label=_("Invio a bandi voucher"),
        required=False,
        widget=CheckboxList,
    )
    referral_other = forms.CharField(
        label=_("Invio ad altri enti"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Uno per riga, ad esempio: INPS, Patronato, Consigliera di parità."),
    )
    notes = forms.CharField(
        label=_("Note riservate"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Visibili solo agli operatori degli sportelli della stessa ATS."),
    )
    follow_up_due = BoundedDateField(label=_("Ricontattare entro il (facoltativo)"), required=False)

    def __init__(self, *args, desks=None, **kwargs):
        super().__init__(*args, **kwargs)
        from equilibri.catalogue.models import Service

        if desks is not None:
            cast(Any, self.fields["desk"]).queryset = desks
            ats_ids = {desk.ats_id for desk in desks}
            cast(Any, self.fields["employer_organisation"]).queryset = Organisation.objects.filter(
                comune__ats_id__in=ats_ids
            ).order_by("name")
        cast(Any, self.fields["referral_services"]).queryset = (
            Service.objects.filter(review_state=Service.Review.PUBLISHED)
            .select_related("organisation")
            .order_by("name")
        )
        cast(Any, self.fields["referral_services"]).label_from_instance = lambda s: (
            f"{s.name} — {s.organisation.name}"
        )
        cast(Any, self.fields["referral_schemes"]).choices = voucher_scheme_choices()

    def clean_contacted_at(self):
        value = self.cleaned_data["contacted_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("Il contatto non può essere nel futuro."))
        return value


def voucher_scheme_choices() -> list[tuple[str, str]]:
    """The voucher schemes, when the vouchers app offers them (a lower layer)."""
    try:
        from equilibri.vouchers.models import Scheme
    except ImportError:  # pragma: no cover
        return []
    try:
        return [
            (str(pk), title)
            for pk, title in Scheme.objects.order_by("title").values_list("pk", "title")
        ]
    except Exception:  # pragma: no cover - a vouchers migration not applied yet
        return []


def _formfield(field, **kwargs):
    """Model fields to form fields, with links typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ArticleForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Cosa hai cambiato (facoltativo)"), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KnowledgeArticle
        formfield_callback = _formfield
        fields = ["title", "summary", "body", "tags", "source_url", "is_public", "review_due"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "review_due": forms.DateInput(attrs={"type": "date"}),
        }


class AgreementForm(forms.ModelForm):
    class Meta:
        model = CollectiveAgreement
        formfield_callback = _formfield
        fields = list(CollectiveAgreement.EDITABLE_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ["parties", *CollectiveAgreement.PROVISIONS]
            },
        }


class DeskForm(forms.ModelForm):
    comune = ComuneField(label=_("Comune"))

    class Meta:
        model = Desk
        formfield_callback = _formfield
        fields = list(Desk.EDITABLE_FIELDS)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            cast(Any, self.fields["organisation"]).queryset = organisations
        if self.instance.pk:
            self.initial["comune"] = self.instance.comune.name

    def clean(self):
        data = super().clean() or {}
        link = data.get("video_link") or ""
        unknown = unknown_placeholders(link)
        if unknown:
            self.add_error(
                "video_link",
                _("Nel link si possono usare solo {desk} e {token}: togli %(unknown)s.")
                % {"unknown": ", ".join(unknown)},
            )
        if data.get("offers_video") and not link and "video_link" not in self.errors:
            self.add_error(
                "video_link",
                _("Per i colloqui in videochiamata scrivi il link della stanza o il suo modello."),
            )
        return data

    def clean_languages(self) -> str:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",") if c.strip()]
        if not codes or any(not re.fullmatch(r"[a-z]{2,3}", c) for c in codes):
            raise ValidationError(
                _("Scrivi i codici delle lingue separati da virgola, ad esempio: it, en.")
            )
        return ", ".join(codes)


# Italian and English day names, by their first three letters (lun, mar, … / mon, tue, …).
WEEKDAY_NAMES = {
    **dict(zip(["lun", "mar", "mer", "gio", "ven", "sab", "dom"], range(7), strict=True)),
    **dict(zip(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], range(7), strict=True)),
}
HOURS_LINE = re.compile(
    r"^\s*(?P<day>[a-zà-ù]+)\s+(?P<opens>\d{1,2}[:.]\d{2})\s*[-–]\s*(?P<closes>\d{1,2}[:.]\d{2})\s*$",
    re.IGNORECASE,
)


def _parse_time(text: str) -> time:
    hours, minutes = re.split(r"[:.]", text)
    return time(int(hours), int(minutes))


class HoursForm(forms.Form):
    hours = forms.CharField(
        label=_("Orari di apertura"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "Una fascia per riga, ad esempio: «martedì 9:00-12:30». Più fasce per lo stesso "
            "giorno su righe diverse."
        ),
    )

    def clean_hours(self) -> list[tuple[int, time, time]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["hours"].splitlines(), start=1):
            if not line.strip():
                continue
            match = HOURS_LINE.match(line)
            weekday = WEEKDAY_NAMES.get(match.group("day").lower()[:3]) if match else None
            if not match or weekday is None:
                raise ValidationError(
                    _(
                        "Riga %(number)s: scrivi il giorno e l'orario, ad esempio "
                        "«martedì 9:00-12:30»."
                    )
                    % {"number": number}
                )
            try:
                opens, closes = (
                    _parse_time(match.group("opens")),
                    _parse_time(match.group("closes")),
                )
            except ValueError:
                raise ValidationError(
                    _("Riga %(number)s: l'orario non è valido.") % {"number": number}
                ) from None
            if opens >= closes:
                raise ValidationError(
                    _("Riga %(number)s: la chiusura deve seguire l'apertura.") % {"number": number}
                )
            rows.append((weekday, opens, closes))
        return rows


class ClosureForm(forms.Form):
    start_date = BoundedDateField(label=_("Chiuso dal"))
    end_date = BoundedDateField(label=_("al"))
    reason = forms.CharField(label=_("Motivo"), max_length=200, required=False)
    whole_ats = forms.BooleanField(
        label=_("Chiudi tutti gli sportelli dell'ATS"),
        required=False,
        help_text=_("Ad esempio per la settimana di Natale."),
    )

    def __init__(self, *args, whole_ats: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not whole_ats:  # only who manages the ATS closes all its desks
            del self.fields["whole_ats"]


class PatronDayForm(forms.Form):
    """The feast of the desk's comune's patron saint (day and month), when its desks close."""

    day = forms.IntegerField(label=_("Giorno"), min_value=1, max_value=31, required=False)
    month = forms.TypedChoiceField(
        label=_("Mese"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    saint = forms.CharField(label=_("Santo patrono"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Month names in the page's language, read when the form is built.
        months = [(m, date_format(date(2000, m, 1), "F")) for m in range(1, 13)]
        cast(Any, self.fields["month"]).choices = [("", "—"), *months]

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("day")) != bool(data.get("month")):
            raise ValidationError(_("Scrivi sia il giorno sia il mese (o nessuno dei due)."))
        return data


class SlotTemplateForm(forms.ModelForm):
    class Meta:
        model = SlotTemplate
        fields = [
            "weekday",
            "start_time",
            "end_time",
            "duration_minutes",
            "channel",
            "capacity",
            "operator",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, desk=None, **kwargs):
        super().__init__(*args, **kwargs)
        from equilibri.accounts.models import User

        cast(Any, self.fields["operator"]).queryset = (
            User.objects.filter(desk_roles__desk=desk) if desk else User.objects.none()
        )


class OperatorAddForm(forms.Form):
    email = identifiers.EmailFormField(
        label=_("E-mail dell'operatore"),
        help_text=_("La persona deve essersi già registrata sulla piattaforma."),
    )


class StatsForm(forms.Form):
    dal = BoundedDateField(label=_("Dal"), required=False)
    al = BoundedDateField(label=_("Al"), required=False)
    sportello = forms.ModelChoiceField(
        label=_("Sportello"), queryset=Desk.objects.none(), required=False, empty_label=_("Tutti")
    )

    def __init__(self, *args, desks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if desks is not None:
            cast(Any, self.fields["sportello"]).queryset = desks

    def clean(self):
        data = super().clean() or {}
        if data.get("dal") and data.get("al") and data["al"] < data["dal"]:
            raise ValidationError(_("La data finale precede quella iniziale."))
        return data
