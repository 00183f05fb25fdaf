"""Organisations of the territorial networks and the roles people hold in them.

The foundation holds what every role needs to have a scope; the network capability adds
membership, partners, agreements and WHP.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.roles import Role

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
    fiscal_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_organisation_fiscal_code],
    )
    vat_number = models.CharField(
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
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    class Meta:
        verbose_name = _("alleanza locale")
        verbose_name_plural = _("alleanze locali")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
