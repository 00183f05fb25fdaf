"""Help desks ("sportelli conciliazione"): the desk with its hours, closures and operators; slot
templates and the concrete slots citizens book; appointments (booked → attended | no_show |
cancelled, with an optional pending step while an e-mail address is confirmed); the contact log
with needs and referrals; the shared knowledge base (every edit a new version); the register of
collective agreements.

A slot's `booked` counter only changes through a conditional UPDATE
(`booked < capacity`, services.appointment_book), so two people taking the last seat at once
never both get it."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers
from equilibri.core.genders import Gender


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In presenza")
    PHONE = "phone", _("Telefono")
    VIDEO = "video", _("Videochiamata")


class Desk(models.Model):
    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="desks")
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="desks",
        verbose_name=_("ente ospitante"),
    )
    name = models.CharField(_("nome"), max_length=200)
    comune = models.ForeignKey(
        "territory.Comune", on_delete=models.PROTECT, related_name="desks", verbose_name=_("comune")
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    phone = identifiers.PhoneField(_("telefono"), max_length=30, blank=True)
    email = identifiers.EmailField(_("e-mail"), blank=True)
    description = models.TextField(
        _("descrizione"),
        blank=True,
        help_text=_("Cosa offre lo sportello e a chi si rivolge."),
    )
    offers_in_person = models.BooleanField(_("colloqui in presenza"), default=True)
    offers_phone = models.BooleanField(_("colloqui al telefono"), default=True)
    offers_video = models.BooleanField(_("colloqui in videochiamata"), default=False)
    languages = models.CharField(
        _("lingue"),
        max_length=60,
        default="it",
        help_text=_("Codici ISO separati da virgola, ad esempio: it, en, fr."),
    )
    accessibility = models.TextField(
        _("accessibilità"),
        blank=True,
        help_text=_("Ad esempio: accesso senza gradini, ascensore, bagno accessibile."),
    )
    video_link = models.URLField(
        _("link per le videochiamate"),
        blank=True,
        help_text=_(
            "Inviato solo a chi prenota un colloquio in videochiamata. {desk} e {token} danno a "
            "ogni appuntamento la sua stanza, ad esempio https://meet.example.org/{desk}-{token}."
        ),
    )
    active = models.BooleanField(_("attivo"), default=True)

    # What a manager edits, in the form's order: the form and desk_save share the list (the
    # ATS comes from the comune).
    EDITABLE_FIELDS = (
        "name",
        "organisation",
        "comune",
        "address",
        "phone",
        "email",
        "description",
        "offers_in_person",
        "offers_phone",
        "offers_video",
        "video_link",
        "languages",
        "accessibility",
        "active",
    )

    class Meta:
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.comune_id and self.ats_id and self.comune.ats_id != self.ats_id:
            raise ValidationError({"comune": _("Il comune non è nel territorio di questa ATS.")})
        if not (self.offers_in_person or self.offers_phone or self.offers_video):
            raise ValidationError(
                _("Scegli almeno un canale: in presenza, telefono o videochiamata.")
            )

    @property
    def channels(self) -> list[str]:
        flags = [
            (self.offers_in_person, Channel.IN_PERSON),
            (self.offers_phone, Channel.PHONE),
            (self.offers_video, Channel.VIDEO),
        ]
        return [channel.value for on, channel in flags if on]

    @property
    def language_codes(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @property
    def language_names(self) -> str:
        """ "Italiano, English": each language in its own name, as the catalogue shows them."""
        from equilibri.catalogue.services import LANGUAGE_NAMES

        return ", ".join(LANGUAGE_NAMES.get(code, code) for code in self.language_codes)


class DeskOperator(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_roles"
    )
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="operators")

    class Meta:
        verbose_name = _("operatore di sportello")
        verbose_name_plural = _("operatori di sportello")
        constraints = [models.UniqueConstraint(fields=["user", "desk"], name="deskoperator_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.desk}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunedì")
    TUESDAY = 1, _("martedì")
    WEDNESDAY = 2, _("mercoledì")
    THURSDAY = 3, _("giovedì")
    FRIDAY = 4, _("venerdì")
    SATURDAY = 5, _("sabato")
    SUNDAY = 6, _("domenica")


class OpeningHours(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens = models.TimeField(_("apre alle"))
    closes = models.TimeField(_("chiude alle"))

    class Meta:
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("L'orario di chiusura deve seguire l'apertura.")})


class DeskClosure(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("dal"))
    end_date = models.DateField(_("al"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date} {self.reason}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La data di fine precede quella di inizio.")})


class SlotTemplate(models.Model):
    """A weekly pattern (e.g. Tuesdays 9:00-12:00, 30-minute slots, in person, 1 seat) that
    generates concrete slots for the coming weeks."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="slot_templates")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operatore"),
    )
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start_time = models.TimeField(_("dalle"))
    end_time = models.TimeField(_("alle"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durata di ogni colloquio (minuti)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    channel = models.CharField(_("canale"), max_length=12, choices=Channel.choices)
    capacity = models.PositiveSmallIntegerField(
        _("posti per colloquio"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("modello di disponibilità")
        verbose_name_plural = _("modelli di disponibilità")
        ordering = ["desk", "weekday", "start_time"]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M} "
            f"({self.get_channel_display()})"
        )


class Slot(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="slots")
    template = models.ForeignKey(
        SlotTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    channel = models.CharField(_("canale"), max_length=12, choices=Channel.choices)
    capacity = models.PositiveSmallIntegerField(_("posti"), default=1)
    booked = models.PositiveSmallIntegerField(_("posti prenotati"), default=0)

    class Meta:
        verbose_name = _("fascia prenotabile")
        verbose_name_plural = _("fasce prenotabili")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "starts_at", "channel", "operator"], name="slot_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["desk", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.desk} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Need(models.Model):
    """The shared taxonomy of needs a citizen brings to a desk."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("bisogno")
        verbose_name_plural = _("bisogni")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Da confermare")
        BOOKED = "booked", _("Prenotato")
        ATTENDED = "attended", _("Svolto")
        NO_SHOW = "no_show", _("Assente")
        CANCELLED = "cancelled", _("Annullato")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desk_appointments",
    )
    name = models.CharField(_("nome e cognome"), max_length=150)
    email = identifiers.EmailField(_("e-mail"))
    phone = identifiers.PhoneField(_("telefono"), max_length=30, blank=True)
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("argomento")
    )
    topic = models.TextField(_("di cosa vuoi parlare"), max_length=1000)
    state = models.CharField(
        _("stato"), max_length=12, choices=State.choices, default=State.PENDING
    )
    # Signed links carry the nonce: a new nonce (after a reschedule) retires the old links.
    link_nonce = models.CharField(max_length=32, default="", editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCal SEQUENCE
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Who held the seat without an account, for the caps on pending bookings and the cool-down
    # after a lapsed one: the client address (IPv6 as its /64), erased once confirmed.
    requester_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # When an unconfirmed booking gave its seat back because nobody confirmed it in time.
    lapsed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        ordering = ["slot__starts_at", "pk"]
        indexes = [models.Index(fields=["desk", "state"])]

    def __str__(self) -> str:
        return f"{self.desk} {self.slot.starts_at:%Y-%m-%d %H:%M} — {self.name}"

    @property
    def holds_seat(self) -> bool:
        return self.state in {self.State.PENDING, self.State.BOOKED}


# The platform's one set of gender categories (core.genders), under the name this app used.
GenderChoice = Gender


class AgeBand(models.TextChoices):
    UNDER_25 = "u25", _("meno di 25 anni")
    FROM_25 = "25_34", _("25–34 anni")
    FROM_35 = "35_44", _("35–44 anni")
    FROM_45 = "45_54", _("45–54 anni")
    FROM_55 = "55_64", _("55–64 anni")
    OVER_65 = "65", _("65 anni e oltre")
    UNKNOWN = "unknown", _("Non indicata")


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In presenza")
    PHONE = "phone", _("Telefono")
    VIDEO = "video", _("Videochiamata")
    EMAIL = "email", _("E-mail")


class KnowledgeArticle(models.Model):
    """A shared answer: every desk of the region uses the same text. `title`, `body` and `tags`
    are the current version's; each edit adds a `KnowledgeArticleVersion`."""

    slug = models.SlugField(_("identificativo"), max_length=120, unique=True)
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.CharField(_("in breve"), max_length=300, blank=True)
    body = models.TextField(_("testo"))
    tags = models.CharField(
        _("parole chiave"), max_length=200, blank=True, help_text=_("Separate da virgola.")
    )
    source_url = models.URLField(_("fonte"), blank=True)
    is_public = models.BooleanField(
        _("pubblica nelle domande frequenti"),
        default=False,
        help_text=_("Le schede pubbliche compaiono nella pagina delle domande frequenti."),
    )
    review_due = models.DateField(_("da rivedere entro"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsabile"),
    )
    version = models.PositiveIntegerField(_("versione"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scheda informativa")
        verbose_name_plural = _("schede informative")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class KnowledgeArticleVersion(models.Model):
    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versione"))
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.CharField(_("in breve"), max_length=300, blank=True)
    body = models.TextField(_("testo"))
    tags = models.CharField(_("parole chiave"), max_length=200, blank=True)
    note = models.CharField(_("nota sulla modifica"), max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versione della scheda")
        verbose_name_plural = _("versioni delle schede")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} v{self.number}"


class Contact(models.Model):
    """One contact with a citizen, as the operator records it. Personal details are erased
    (`anonymised_at`) after DESK_CONTACT_RETENTION_MONTHS; the statistical fields stay."""

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="contacts")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("operatore"),
    )
    contacted_at = models.DateTimeField(_("data e ora del contatto"))
    channel = models.CharField(_("canale"), max_length=12, choices=ContactChannel.choices)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("appuntamento"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desk_contacts",
        verbose_name=_("utente registrato"),
    )
    citizen_name = models.CharField(
        _("nome del cittadino"),
        max_length=150,
        blank=True,
        help_text=_("Vuoto: contatto anonimo."),
    )
    citizen_email = identifiers.EmailField(_("e-mail del cittadino"), blank=True)
    gender = models.CharField(
        _("genere"), max_length=12, choices=GenderChoice.choices, default=GenderChoice.UNSPECIFIED
    )
    age_band = models.CharField(
        _("fascia d'età"), max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    employer_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("datore di lavoro (rete)"),
    )
    employer_text = models.CharField(
        _("datore di lavoro (altro)"),
        max_length=200,
        blank=True,
        help_text=_("Se non fa parte della rete."),
    )
    needs = models.ManyToManyField(Need, related_name="contacts", verbose_name=_("bisogni"))
    answer = models.TextField(_("risposta data"))
    notes = models.TextField(_("note riservate"), blank=True)
    articles = models.ManyToManyField(
        KnowledgeArticle, blank=True, related_name="contacts", verbose_name=_("schede usate")
    )
    follow_up_due = models.DateField(_("ricontattare entro il"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contatto")
        verbose_name_plural = _("contatti")
        ordering = ["-contacted_at", "-pk"]
        indexes = [models.Index(fields=["desk", "contacted_at"])]

    def __str__(self) -> str:
        return f"{self.desk} {self.contacted_at:%Y-%m-%d %H:%M}"


class Referral(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Servizio del catalogo")
        VOUCHER_SCHEME = "voucher_scheme", _("Bando voucher")
        OTHER_BODY = "other_body", _("Altro ente")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("servizio"),
    )
    # A voucher scheme (vouchers.Scheme primary key) or another body: by reference and label.
    reference_id = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("a chi"), max_length=200)

    class Meta:
        verbose_name = _("invio")
        verbose_name_plural = _("invii")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class CollectiveAgreement(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "ccnl", _("CCNL (contratto collettivo nazionale)")
        COMPANY = "company", _("Contratto aziendale (secondo livello)")
        TERRITORIAL = "territorial", _("Contratto territoriale (secondo livello)")

    title = models.CharField(_("titolo"), max_length=250)
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    sector = models.CharField(_("settore"), max_length=120)
    parties = models.TextField(_("parti firmatarie"), blank=True)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("azienda (contratti aziendali)"),
    )
    territory = models.CharField(
        _("territorio (contratti territoriali)"), max_length=120, blank=True
    )
    leave = models.TextField(_("congedi e permessi"), blank=True)
    flexible_hours = models.TextField(_("flessibilità oraria"), blank=True)
    part_time = models.TextField(_("part-time"), blank=True)
    smart_working = models.TextField(_("lavoro agile"), blank=True)
    welfare_credits = models.TextField(_("welfare e flexible benefit"), blank=True)
    valid_from = models.DateField(_("in vigore dal"), null=True, blank=True)
    valid_until = models.DateField(_("scadenza"), null=True, blank=True)
    source_url = models.URLField(_("fonte (link al testo)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contratto collettivo")
        verbose_name_plural = _("contratti collettivi")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("La scadenza precede l'entrata in vigore.")})

    PROVISIONS = ("leave", "flexible_hours", "part_time", "smart_working", "welfare_credits")
    # What an editor sets, in the form's order: the form and agreement_save share the list.
    EDITABLE_FIELDS = (
        "title",
        "kind",
        "sector",
        "parties",
        "organisation",
        "territory",
        *PROVISIONS,
        "valid_from",
        "valid_until",
        "source_url",
    )


# In its own module (this one stays short), imported here so Django finds it in the app.
from .calendar_models import PatronDay as PatronDay  # noqa: E402
