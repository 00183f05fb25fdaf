"""The desks' calendar beside the national holidays (which come from the `holidays` library):
the feast of each comune's patron saint, when its desks are closed every year."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PatronDay(models.Model):
    comune = models.OneToOneField(
        "territory.Comune",
        on_delete=models.CASCADE,
        related_name="patron_day",
        verbose_name=_("comune"),
    )
    month = models.PositiveSmallIntegerField(
        _("mese"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("giorno"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    saint = models.CharField(_("santo patrono"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("festa patronale")
        verbose_name_plural = _("feste patronali")
        ordering = ["comune__name"]

    def __str__(self) -> str:
        return f"{self.comune}: {self.day}/{self.month} {self.saint}".strip()

    def clean(self) -> None:
        try:
            date(2000, self.month, self.day)  # a leap year: 29 February is a valid feast
        except (TypeError, ValueError):
            raise ValidationError({"day": _("Questo giorno non esiste in quel mese.")}) from None

    def in_year(self, year: int) -> date | None:
        """The feast's date in `year` (None for 29 February in a common year)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None
