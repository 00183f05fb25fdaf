"""Help desks ("sportelli conciliazione"). The foundation holds the desk and its operators so the
desk operator role has a scope; the help-desk capability adds hours, slots and the contact log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.comune_id and self.ats_id and self.comune.ats_id != self.ats_id:
            raise ValidationError({"comune": _("Il comune non è nel territorio di questa ATS.")})


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
