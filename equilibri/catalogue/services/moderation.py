"""The ATS operator's side: publish a submitted service, send it back to its provider, take it
off the public catalogue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import indexing, selectors
from ..models import Service
from .notifications import _notify_provider


def _check_moderator(service: Service, by) -> None:
    if not selectors.services_moderated_by(by).filter(pk=service.pk).exists():
        raise PermissionDenied


def _publish(service: Service) -> None:
    now = timezone.now()
    service.review_state = Service.Review.PUBLISHED
    service.published_at = service.published_at or now
    service.reviewed_at = now
    service.stale_since = None


@transaction.atomic
def service_approve(*, service: Service, note: str = "", by) -> Service:
    _check_moderator(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.SUBMITTED:
        raise ValidationError(
            _("Il servizio non è in attesa di revisione (stato: %(state)s): ricarica la pagina.")
            % {"state": service.get_review_state_display()}
        )
    _publish(service)
    service.moderation_note = (note or "").strip()
    service.save()
    indexing.index_service(service)
    _notify_provider(service, "published", note=service.moderation_note)
    return service


@transaction.atomic
def service_reject(*, service: Service, note: str, by) -> Service:
    _check_moderator(service, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Scrivi che cosa va corretto: l'ente lo riceverà.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.SUBMITTED:
        raise ValidationError(
            _("Il servizio non è in attesa di revisione (stato: %(state)s): ricarica la pagina.")
            % {"state": service.get_review_state_display()}
        )
    service.review_state = Service.Review.DRAFT
    service.moderation_note = note
    service.save(update_fields=["review_state", "moderation_note", "last_modified"])
    _notify_provider(service, "rejected", note=note)
    return service


@transaction.atomic
def service_hide(*, service: Service, note: str, by) -> Service:
    """The ATS operator takes a service off the public catalogue."""
    _check_moderator(service, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Scrivi il motivo: l'ente lo riceverà.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.review_state = Service.Review.HIDDEN
    service.stale_since = None
    service.moderation_note = note
    service.save(update_fields=["review_state", "stale_since", "moderation_note", "last_modified"])
    indexing.index_service(service)
    _notify_provider(service, "hidden", note=note)
    return service
