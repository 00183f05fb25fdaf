"""The service catalogue, shaped on Open Referral HSDS 3.0 so any HSDS tool can read it.

Every HSDS object carries a stable `uuid` (its HSDS `id`): imports match on it, so re-importing
the same file changes nothing. HSDS organizations are the network's organisations (their HSDS id
is derived from the primary key, see `hsds_organisation_id`). Weekly opening hours are one row per
weekday interval (HSDS `freq=WEEKLY`, `byday`), valid between two dates (e.g. summer camps
June to August); closures are their own rows.
"""

import uuid
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers

# So are the providers and foreign terms HSDS imports bring.
from .interchange_models import ExternalProvider, ForeignTerm  # noqa: F401

# The mistake reports' history lives in its own module; re-exported for Django and callers.
from .report_models import MistakeReportEntry  # noqa: F401

# And the search vocabulary's versions (services/vocabulary.py).
from .vocabulary_models import VocabularyVersion  # noqa: F401

# Deterministic HSDS ids for objects that live in other apps (organisations, comuni).
HSDS_NAMESPACE = uuid.UUID("6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10")


@lru_cache(maxsize=32_768)  # twice per item of every HSDS API page; uuid5 hashes each time
def hsds_organisation_id(organisation_pk: int) -> uuid.UUID:
    return uuid.uuid5(HSDS_NAMESPACE, f"organization:{organisation_pk}")


class HsdsObject(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Taxonomy(HsdsObject):
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"))
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("versione"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("tassonomia")
        verbose_name_plural = _("tassonomie")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsObject):
    """A category of the conciliazione taxonomy. Top-level terms have the slugs of
    `core.categories.CATEGORIES`; sub-terms (e.g. ironing under salvatempo) have a parent."""

    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.SlugField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    language = models.CharField(_("lingua"), max_length=10, default="it")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("categoria")
        verbose_name_plural = _("categorie")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Service(HsdsObject):
    class Status(models.TextChoices):
        """HSDS `status`: whether the service runs."""

        ACTIVE = "active", _("attivo")
        INACTIVE = "inactive", _("non attivo")
        DEFUNCT = "defunct", _("cessato")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporaneamente chiuso")

    class Review(models.TextChoices):
        """Moderation: only published services are public."""

        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("In attesa di revisione")
        PUBLISHED = "published", _("Pubblicato")
        STALE = "stale", _("Da aggiornare")
        HIDDEN = "hidden", _("Nascosto")

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("ente erogatore"),
    )
    name = models.CharField(_("nome del servizio"), max_length=200)
    alternate_name = models.CharField(_("altro nome"), max_length=200, blank=True)
    description = models.TextField(_("descrizione"))
    status = models.CharField(
        _("stato del servizio"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    review_state = models.CharField(
        _("stato di revisione"), max_length=12, choices=Review.choices, default=Review.DRAFT
    )
    url = models.URLField(_("sito web"), blank=True)
    email = identifiers.EmailField(_("e-mail"), blank=True)
    application_process = models.TextField(_("come si accede"), blank=True)
    fees_description = models.TextField(_("costi"), blank=True)
    eligibility_description = models.TextField(_("chi può accedere"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("età minima"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("età massima"), null=True, blank=True)
    wait_time = models.CharField(_("tempi di attesa"), max_length=200, blank=True)
    terms = models.ManyToManyField(
        TaxonomyTerm, related_name="services", verbose_name=_("categorie")
    )
    # Eligibility attributes (HSDS `attribute`s of our profile).
    eligible_comuni = models.ManyToManyField(
        "territory.Comune",
        blank=True,
        related_name="+",
        verbose_name=_("riservato ai residenti di"),
        help_text=_("Vuoto: aperto a tutti."),
    )
    eligible_project = models.ForeignKey(
        "plans.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("riservato ai dipendenti dei partner del progetto"),
    )
    funding_action = models.ForeignKey(
        "plans.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("azione che lo finanzia"),
    )
    # Set by an app that lists its own objects in the catalogue (e.g. a help desk), which then
    # keeps the listing up to date: "<app>:<pk>".
    listed_object = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(
        _("ultima revisione"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Quando l'ente ha confermato per l'ultima volta che i dati sono aggiornati."),
    )
    stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    moderation_note = models.TextField(
        _("nota della revisione"),
        blank=True,
        help_text=_("L'ultima nota dell'operatore ATS che ha esaminato il servizio."),
    )
    # The HSDS service object as an import was given it (nested, with its ids), so that export
    # gives back what we do not model (required documents, funding, programs, RFC 5545 fields,
    # fractional ages ...). Our columns stay the source of the search and the pages.
    hsds_source = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["name"]
        indexes = [models.Index(fields=["review_state", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue_public:detail", args=[str(self.uuid)])

    def get_reserved_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError(
                {"maximum_age": _("L'età massima non può essere minore dell'età minima.")}
            )


class ServiceRevision(models.Model):
    """A provider's proposed edit: the service's fields as they would become. Published services
    stay as they are until the ATS operator approves; the operator sees a field-by-field diff."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("In attesa")
        APPROVED = "approved", _("Approvata")
        REJECTED = "rejected", _("Respinta")
        WITHDRAWN = "withdrawn", _("Ritirata")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField(_("dati proposti"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("modifica proposta")
        verbose_name_plural = _("modifiche proposte")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(state="submitted"),
                name="servicerevision_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_state_display()})"


class Location(HsdsObject):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("sede fisica")
        VIRTUAL = "virtual", _("online / a distanza")

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="service_locations",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    name = models.CharField(_("nome della sede"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    url = models.URLField(_("indirizzo web (servizi online)"), blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    postal_code = identifiers.PostcodeField(_("CAP"), max_length=5, blank=True)
    comune = models.ForeignKey(
        "territory.Comune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_locations",
        verbose_name=_("comune"),
    )
    # Exact coordinates when known; otherwise the comune's (filled in on save by the services).
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    transportation = models.TextField(_("come arrivare"), blank=True)
    accessibility = models.TextField(_("accessibilità"), blank=True)
    wheelchair_accessible = models.BooleanField(_("accessibile in sedia a rotelle"), default=False)

    class Meta:
        verbose_name = _("sede")
        verbose_name_plural = _("sedi")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            # The HSDS API's `postcode` finds its comune among the locations' postcodes.
            models.Index(fields=["postal_code", "comune"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.PHYSICAL and not self.comune_id:
            raise ValidationError({"comune": _("Una sede fisica deve avere un comune.")})
        if self.kind == self.Kind.VIRTUAL and not self.url:
            raise ValidationError({"url": _("Un servizio online deve avere un indirizzo web.")})


class ServiceAtLocation(HsdsObject):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")
    description = models.TextField(_("note per questa sede"), blank=True)

    class Meta:
        verbose_name = _("servizio presso una sede")
        verbose_name_plural = _("servizi presso le sedi")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="serviceatlocation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.location}"


class Schedule(HsdsObject):
    """One weekly opening interval: weekday, opening and closing time, valid between two dates.
    With no location it applies to every location of the service (and to online services)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lunedì")
        TUESDAY = 1, _("martedì")
        WEDNESDAY = 2, _("mercoledì")
        THURSDAY = 3, _("giovedì")
        FRIDAY = 4, _("venerdì")
        SATURDAY = 5, _("sabato")
        SUNDAY = 6, _("domenica")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens_at = models.TimeField(_("apre alle"))
    closes_at = models.TimeField(_("chiude alle"))
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    notes = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("orario")
        verbose_name_plural = _("orari")
        ordering = ["weekday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError(
                {"closes_at": _("L'orario di chiusura deve essere dopo quello di apertura.")}
            )
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError(
                {"valid_to": _("La data di fine validità deve seguire quella di inizio.")}
            )


class Closure(models.Model):
    """Days a service is closed despite its schedule (holidays, August closure...)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="closures")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    date_from = models.DateField(_("chiuso dal"))
    date_to = models.DateField(_("chiuso fino al"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        ordering = ["date_from"]

    def __str__(self) -> str:
        return f"{self.date_from} - {self.date_to}"

    def clean(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": _("La fine della chiusura deve seguire l'inizio.")})


class Phone(HsdsObject):
    class Kind(models.TextChoices):
        VOICE = "voice", _("telefono")
        CELL = "cell", _("cellulare")
        TEXT = "text", _("SMS")
        VIDEO = "video", _("videochiamata")
        FAX = "fax", _("fax")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = identifiers.PhoneField(_("numero"), max_length=30)
    extension = models.CharField(_("interno"), max_length=10, blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("descrizione"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("telefono")
        verbose_name_plural = _("telefoni")

    def __str__(self) -> str:
        return self.number


class Contact(HsdsObject):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nome"), max_length=200, blank=True)
    title = models.CharField(_("ruolo"), max_length=200, blank=True)
    department = models.CharField(_("ufficio"), max_length=200, blank=True)
    email = identifiers.EmailField(_("e-mail"), blank=True)
    phone = identifiers.PhoneField(_("telefono"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("referente")
        verbose_name_plural = _("referenti")

    def __str__(self) -> str:
        return self.name or self.email


class Language(HsdsObject):
    """A language the service is offered in (ISO 639-1 code)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("codice ISO 639-1"), max_length=3)
    name = models.CharField(_("lingua"), max_length=60)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lingua")
        verbose_name_plural = _("lingue")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="language_unique_per_service")
        ]

    def __str__(self) -> str:
        return self.name


class CostOption(HsdsObject):
    class Option(models.TextChoices):
        FREE = "free", _("gratuito")
        FEE = "fee", _("a pagamento")
        VOUCHER = "voucher", _("rimborsabile con voucher")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(_("costo"), max_length=10, choices=Option.choices)
    amount = models.DecimalField(
        _("importo (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_description = models.CharField(_("descrizione dell'importo"), max_length=200, blank=True)
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("opzione di costo")
        verbose_name_plural = _("opzioni di costo")

    def __str__(self) -> str:
        return self.get_option_display()

    def clean(self) -> None:
        if self.option == self.Option.FEE and self.amount is None:
            raise ValidationError({"amount": _("Indica l'importo per un servizio a pagamento.")})


class MistakeReport(models.Model):
    """A citizen's "report a mistake" on a service page; it reaches the ATS operators, who reply,
    forward it to the provider and close it (its history: report_models.MistakeReportEntry)."""

    class State(models.TextChoices):
        NEW = "new", _("Nuova")
        FORWARDED = "forwarded", _("Inoltrata all'ente")
        FIXED = "fixed", _("Corretta")
        REJECTED = "rejected", _("Respinta")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="mistake_reports")
    message = models.TextField(_("che cosa non va"), max_length=2000)
    email = identifiers.EmailField(_("la tua e-mail (facoltativa)"), blank=True)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("segnalazione di errore")
        verbose_name_plural = _("segnalazioni di errore")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.FORWARDED)


class CatalogueVersion(models.Model):
    """One row, bumped after every change that can alter a public answer of the catalogue (the
    search page, the HSDS API): the page cache keys on it, so a change shows at once on every
    app server. Written with `update()` only (no signals, no audit entry per bump)."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("versione del catalogo")
        verbose_name_plural = _("versioni del catalogo")

    def __str__(self) -> str:
        return str(self.version)
