"""Region, ATS and comuni: the geography every other app refers to."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core.text import fold


class Region(models.Model):
    istat_code = models.CharField(_("codice ISTAT"), max_length=2, unique=True)
    name = models.CharField(_("nome"), max_length=100)

    class Meta:
        verbose_name = _("regione")
        verbose_name_plural = _("regioni")

    def __str__(self) -> str:
        return self.name


class ATS(models.Model):
    """Agenzia di Tutela della Salute: the health agency that runs a territorial network."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="ats_set")
    code = models.CharField(_("codice"), max_length=10, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    official_name = models.CharField(_("denominazione ufficiale"), max_length=200)
    seat_city = models.CharField(_("sede legale"), max_length=100)

    class Meta:
        verbose_name = _("ATS")
        verbose_name_plural = _("ATS")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Comune(models.Model):
    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    # Lower-case, accent-free name: "citta" finds "Città", "cantu" finds "Cantù".
    name_folded = models.CharField(max_length=100, db_index=True, editable=False)
    province = models.CharField(_("provincia"), max_length=2)
    ats = models.ForeignKey(ATS, on_delete=models.PROTECT, related_name="comuni")
    lat = models.DecimalField(_("latitudine"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitudine"), max_digits=9, decimal_places=6)
    population = models.PositiveIntegerField(_("popolazione residente"))

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]
        indexes = [models.Index(fields=["lat", "lon"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.province})"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
