"""The history of a mistake report: the operators' replies to the reporter, forwards to the
provider, notes and changes of state, each with who and when (services/mistake_reports.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MistakeReportEntry(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Nota interna")
        REPLY = "reply", _("Risposta a chi ha segnalato")
        FORWARD = "forward", _("Inoltro all'ente")
        STATE = "state", _("Cambio di stato")

    report = models.ForeignKey(
        "services.MistakeReport", on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("testo"), blank=True)
    # The report's state after this entry, and where an e-mail went (kept for the record).
    state = models.CharField(_("stato"), max_length=10, blank=True)
    recipients = models.TextField(_("destinatari"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("passaggio della segnalazione")
        verbose_name_plural = _("passaggi della segnalazione")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.get_kind_display()}"
