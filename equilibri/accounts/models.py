from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers

from .roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=identifiers.normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their e-mail address. Roles come from StaffRole and the
    role models of the other apps (see accounts.roles)."""

    username = None  # type: ignore[assignment]
    email = identifiers.EmailField(_("indirizzo e-mail"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class StaffRole(models.Model):
    """An ATS-wide role (operator, committee member) or the region-wide regional viewer."""

    ROLES = [
        (Role.ATS_OPERATOR.value, Role.ATS_OPERATOR.label),
        (Role.COMMITTEE_MEMBER.value, Role.COMMITTEE_MEMBER.label),
        (Role.REGIONAL_VIEWER.value, Role.REGIONAL_VIEWER.label),
    ]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("ruolo"), max_length=30, choices=ROLES)
    ats = models.ForeignKey(
        "territory.ATS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("ATS"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ruolo dello staff")
        verbose_name_plural = _("ruoli dello staff")
        constraints = [
            models.CheckConstraint(
                name="staffrole_ats_matches_role",
                condition=(
                    Q(role=Role.REGIONAL_VIEWER, ats__isnull=True)
                    | (~Q(role=Role.REGIONAL_VIEWER) & Q(ats__isnull=False))
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "ats"], name="staffrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.ats or ''}".strip()


class VerifiedIdentity(models.Model):
    """The person behind an account as a public digital identity (SPID, CIE) asserted it. The
    fiscal number is verified: nobody edits it by hand, and no other account can take it, so a
    person has one account whichever way they sign in (accounts/identity_adapter.py)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="verified_identity", verbose_name=_("utente")
    )
    fiscal_number = identifiers.TaxCodeField(_("codice fiscale"), max_length=16, unique=True)
    first_name = models.CharField(_("nome"), max_length=150, blank=True)
    last_name = models.CharField(_("cognome"), max_length=150, blank=True)
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    provider = models.CharField(_("verificato con"), max_length=20)
    verified_at = models.DateTimeField(_("verificato il"))

    class Meta:
        verbose_name = _("identità verificata")
        verbose_name_plural = _("identità verificate")

    def __str__(self) -> str:
        return f"{self.fiscal_number} ({self.user})"


class IdentityLogin(models.Model):
    """One sign-in through the identity gateway, accepted or refused, with the level of
    assurance it carried: the record of who entered how, and of the attempts turned away."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accettato")
        REFUSED = "refused", _("rifiutato")

    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identity_logins",
        verbose_name=_("utente"),
    )
    provider = models.CharField(_("gestore"), max_length=20)
    level = models.PositiveSmallIntegerField(_("livello"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices)
    # IdentityRefusal codes (accounts/identity_adapter.py, identity.ClaimError).
    reason = models.CharField(_("motivo"), max_length=40, blank=True)
    # As the gateway asserted it, also when refused (who tried to enter which account).
    fiscal_number = identifiers.TaxCodeField(_("codice fiscale"), max_length=16, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        verbose_name = _("accesso con identità digitale")
        verbose_name_plural = _("accessi con identità digitale")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_outcome_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def level_label(self) -> str:
        from .identity import PROVIDER_LABELS

        name = PROVIDER_LABELS.get(self.provider, self.provider.upper())
        return f"{name} L{self.level}" if self.level else name
