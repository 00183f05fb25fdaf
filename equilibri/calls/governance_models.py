"""A published call's change log: each change of its window or rules after publication is kept
with who made it, when, the values before and after and the reason (the applicants and invited
partners are e-mailed of it; services/changes.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallChange(models.Model):
    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("modificato il"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da"),
    )
    reason = models.TextField(_("motivo della modifica"))
    # {field label: text}: what the applicants read, as the call page showed it.
    before = models.JSONField(_("prima"), default=dict)
    after = models.JSONField(_("dopo"), default=dict)

    class Meta:
        verbose_name = _("modifica del bando")
        verbose_name_plural = _("modifiche del bando")
        ordering = ["call", "-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each field the change touched."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [(name, self.before.get(name, ""), self.after.get(name, "")) for name in names]
