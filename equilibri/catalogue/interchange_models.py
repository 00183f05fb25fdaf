"""What an HSDS import brings that the catalogue does not model itself: the providers it
created (organisations of another publisher, kept with their HSDS id and object so that an
export gives them back unchanged) and the terms of other taxonomies its services carry, each
mapped or not to a category of ours (catalogue/hsds/interchange, services/foreign_terms.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalProvider(models.Model):
    """An organisation an import created because the file named it and the network did not
    have it: a catalogue provider, not a network member (it has no membership). `hsds_id` is
    the publisher's `organization.id`, served back instead of the id we derive from the pk."""

    organisation = models.OneToOneField(
        "network.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hsds_provider",
    )
    hsds_id = models.UUIDField(unique=True, editable=False)
    # The ATS whose operator imported it (None: a system or superuser import).
    ats = models.ForeignKey(
        "territory.ATS", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hsds_source = models.JSONField(null=True, blank=True, editable=False)
    source_name = models.CharField(_("file di provenienza"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ente importato")
        verbose_name_plural = _("enti importati")

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.hsds_id})"


class ForeignTerm(models.Model):
    """A term of another taxonomy that imported services carry (HSDS allows any). Kept with
    its taxonomy and id (the services' HSDS objects give it back as given); once an ATS
    operator maps it to one of our categories (`term`), its services are in that category."""

    uuid = models.UUIDField(unique=True, editable=False)
    taxonomy_id = models.CharField(_("id della tassonomia"), max_length=100, blank=True)
    taxonomy_name = models.CharField(_("tassonomia"), max_length=200, blank=True)
    code = models.CharField(_("codice"), max_length=100, blank=True)
    name = models.CharField(_("nome"), max_length=300, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    term = models.ForeignKey(
        "services.TaxonomyTerm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="foreign_terms",
        verbose_name=_("categoria"),
    )
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mapped_at = models.DateTimeField(null=True, blank=True)
    services = models.ManyToManyField("services.Service", related_name="foreign_terms", blank=True)

    class Meta:
        verbose_name = _("termine di un'altra tassonomia")
        verbose_name_plural = _("termini di altre tassonomie")
        ordering = ["taxonomy_name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.taxonomy_name}: {self.name or self.code or self.uuid}"
