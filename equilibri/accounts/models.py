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
