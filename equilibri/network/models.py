"""Organisations of the territorial networks, their membership, alliances and agreements, and the
roles people hold in them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.roles import Role
from equilibri.core import identifiers
from equilibri.core.models import StateEvent
from equilibri.core.money import MoneyField

from .validators import validate_organisation_fiscal_code, validate_vat_number


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        PLANNING_OFFICE = "planning_office", _("Ufficio di piano / azienda sociale")
        HEALTH_AGENCY = "health_agency", _("ASST / ATS")
        SCHOOL = "school", _("Scuola")
        COMPANY = "company", _("Impresa")
        THIRD_SECTOR = "third_sector", _("Cooperativa sociale / ente del terzo settore")
        ASSOCIATION = "association", _("Associazione")
        EMPLOYER_ASSOCIATION = "employer_association", _("Associazione datoriale")
        TRADE_UNION = "trade_union", _("Organizzazione sindacale")
        OTHER = "other", _("Altro")

    name = models.CharField(_("denominazione"), max_length=200)
    kind = models.CharField(_("tipologia"), max_length=30, choices=Kind.choices)
    fiscal_code = identifiers.TaxCodeField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_organisation_fiscal_code],
    )
    vat_number = identifiers.TaxCodeField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_vat_number]
    )
    comune = models.ForeignKey(
        "territory.Comune",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("comune"),
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    email = identifiers.EmailField(_("e-mail"), blank=True)
    phone = identifiers.PhoneField(_("telefono"), max_length=30, blank=True)
    staff_count = models.PositiveIntegerField(_("numero di addetti"), null=True, blank=True)
    turnover = MoneyField(_("fatturato annuo (€)"), max_digits=14, null=True, blank=True)
    ateco_code = models.CharField(_("codice ATECO"), max_length=8, blank=True)
    runts_number = models.CharField(_("numero di iscrizione RUNTS"), max_length=30, blank=True)
    whp_member_since = models.DateField(_("nella rete WHP dal"), null=True, blank=True)
    whp_practices = models.TextField(_("buone pratiche WHP adottate"), blank=True)
    description = models.TextField(_("presentazione"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> str:
        """EU SME classes as used by the regional calls: micro < 10 staff and <= 2 M€, small < 50
        and <= 10 M€, medium < 250 and <= 50 M€; "" when staff or turnover is unknown."""
        if self.staff_count is None or self.turnover is None:
            return ""
        for size, max_staff, max_turnover in SIZE_LIMITS:
            if self.staff_count < max_staff and self.turnover <= max_turnover:
                return size
        return SizeClass.LARGE

    @property
    def is_whp_member(self) -> bool:
        return self.whp_member_since is not None


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro impresa")
    SMALL = "small", _("Piccola impresa")
    MEDIUM = "medium", _("Media impresa")
    LARGE = "large", _("Grande impresa")


SIZE_LIMITS = [
    (SizeClass.MICRO, 10, Decimal("2000000")),
    (SizeClass.SMALL, 50, Decimal("10000000")),
    (SizeClass.MEDIUM, 250, Decimal("50000000")),
]


def agreement_upload_to(instance: "AgreementDocument", filename: str) -> str:
    return f"agreements/{instance.ats_id}/{instance.kind}/v{instance.version}-{filename}"


class AgreementDocument(models.Model):
    """A versioned document: the network regulation, the partnership agreement, or an alliance's
    agreement. Members accept a specific version."""

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Regolamento della rete")
        PARTNERSHIP = "partnership", _("Accordo di partenariato")
        ALLIANCE = "alliance", _("Accordo di alleanza locale")

    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="agreements")
    alliance = models.ForeignKey(
        "Alliance", on_delete=models.CASCADE, null=True, blank=True, related_name="agreements"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(_("versione"))
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(_("documento"), upload_to=agreement_upload_to, blank=True)
    text = models.TextField(_("testo"), blank=True)
    published_at = models.DateTimeField(_("pubblicato il"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("documento di accordo")
        verbose_name_plural = _("documenti di accordo")
        ordering = ["kind", "-version"]
        constraints = [
            # Versions of ATS-wide documents (no alliance) are numbered by the service.
            models.UniqueConstraint(
                fields=["ats", "alliance", "kind", "version"], name="agreement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Membership(models.Model):
    """An organisation's membership of its ATS's territorial network."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Richiesta")
        ACTIVE = "active", _("Attiva")
        REJECTED = "rejected", _("Respinta")
        WITHDRAWN = "withdrawn", _("Ritirata")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="memberships")
    state = models.CharField(
        _("stato"), max_length=20, choices=State.choices, default=State.REQUESTED
    )
    regulation = models.ForeignKey(
        AgreementDocument,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regolamento accettato"),
    )
    agreement = models.ForeignKey(
        AgreementDocument,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accordo di partenariato accettato"),
    )
    requested_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("motivazione"), blank=True)

    class Meta:
        verbose_name = _("adesione alla rete")
        verbose_name_plural = _("adesioni alla rete")
        ordering = ["-requested_at"]
        constraints = [
            # One open (requested or active) membership per organisation and ATS.
            models.UniqueConstraint(
                fields=["organisation", "ats"],
                name="membership_one_open",
                condition=models.Q(state__in=["requested", "active"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.ats} ({self.get_state_display()})"


class MembershipEvent(StateEvent):
    """The full history of a membership: every state it went through, who and why."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=Membership.State.choices)

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.state}"


class OrganisationRole(models.Model):
    ROLES = [
        (Role.ORG_ADMIN.value, Role.ORG_ADMIN.label),
        (Role.PROVIDER_OPERATOR.value, Role.PROVIDER_OPERATOR.label),
    ]
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("ruolo"), max_length=30, choices=ROLES)

    class Meta:
        verbose_name = _("ruolo nell'organizzazione")
        verbose_name_plural = _("ruoli nelle organizzazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="organisationrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class Alliance(models.Model):
    """A local alliance: a public-private partnership led by a lead body ("ente capofila")."""

    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="alliances")
    name = models.CharField(_("nome"), max_length=200)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_alliances",
        verbose_name=_("ente capofila"),
    )
    description = models.TextField(_("descrizione"), blank=True)
    comuni = models.ManyToManyField(
        "territory.Comune", blank=True, related_name="alliances", verbose_name=_("comuni coperti")
    )
    period_start = models.DateField(_("inizio"), null=True, blank=True)
    period_end = models.DateField(_("fine"), null=True, blank=True)

    class Meta:
        verbose_name = _("alleanza locale")
        verbose_name_plural = _("alleanze locali")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AlliancePartner(models.Model):
    class Contribution(models.TextChoices):
        NONE = "none", _("Nessun contributo")
        CASH = "cash", _("In denaro")
        IN_KIND = "in_kind", _("In natura (personale, spazi, servizi)")

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="alliance_partnerships"
    )
    role = models.CharField(_("ruolo nel partenariato"), max_length=200, blank=True)
    contribution_kind = models.CharField(
        _("tipo di contributo"),
        max_length=10,
        choices=Contribution.choices,
        default=Contribution.NONE,
    )
    contribution_amount = MoneyField(_("valore del contributo (€)"), default=Decimal("0"))

    class Meta:
        verbose_name = _("partner dell'alleanza")
        verbose_name_plural = _("partner dell'alleanza")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"], name="alliancepartner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.alliance}"


class AllianceRole(models.Model):
    """The people who act for an alliance's lead body (role: alliance lead)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alliance_roles"
    )
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="roles")

    class Meta:
        verbose_name = _("referente di alleanza")
        verbose_name_plural = _("referenti di alleanza")
        constraints = [
            models.UniqueConstraint(fields=["user", "alliance"], name="alliancerole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.alliance}"
