"""The search vocabulary's versions: what ATS operators added to the vocabulary files of one
language, saved whole at every change (services/vocabulary.py). The newest version of a
language is the one the search reads; older ones stay to be read and restored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VocabularyVersion(models.Model):
    class Language(models.TextChoices):
        ITALIAN = "it", _("Italiano")
        ENGLISH = "en", _("Inglese")

    language = models.CharField(_("lingua"), max_length=2, choices=Language.choices)
    number = models.PositiveIntegerField(_("versione"))
    # The operators' entries: [{"kind", "term", "meanings": [...], "taxonomy": code or ""}].
    entries = models.JSONField(_("voci"), default=list, blank=True)
    change = models.CharField(_("modifica"), max_length=300)
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versione del vocabolario di ricerca")
        verbose_name_plural = _("versioni del vocabolario di ricerca")
        ordering = ["language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["language", "number"], name="vocabulary_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.number}"
