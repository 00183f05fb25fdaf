"""The provider's side: create, edit (in place, or as a pending revision of a published
service), submit for review, confirm the data are still correct."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.network.models import Organisation

from .. import indexing, selectors
from ..models import Service, ServiceRevision
from .data import IN_PLACE_STATES, _apply_data
from .notifications import _notify_moderators


def _check_provider(service_or_org: Service | Organisation, by) -> None:
    org_id = (
        service_or_org.organisation_id if isinstance(service_or_org, Service) else service_or_org.pk
    )
    if not selectors.provider_organisations(by).filter(pk=org_id).exists():
        raise PermissionDenied
    if isinstance(service_or_org, Service) and service_or_org.listed_object:
        raise ValidationError(
            _("Questa scheda è gestita automaticamente da un'altra sezione (es. lo sportello).")
        )


@transaction.atomic
def service_create(*, organisation: Organisation, data: dict[str, Any], by) -> Service:
    """A new draft service of the organisation."""
    _check_provider(organisation, by)
    service = Service(organisation=organisation, review_state=Service.Review.DRAFT)
    _apply_data(service, data)
    return service


@transaction.atomic
def service_save(*, service: Service, data: dict[str, Any], by) -> ServiceRevision | None:
    """Drafts (and services waiting for their first review) change in place. A published,
    stale or hidden service keeps its public content: the edit becomes a pending revision
    (replacing any previous pending one) that the ATS operator reviews."""
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state in IN_PLACE_STATES:
        _apply_data(service, data)
        return None
    # Validate the proposal now, without touching the live service.
    sid = transaction.savepoint()
    try:
        _apply_data(service, data)
    finally:
        transaction.savepoint_rollback(sid)
    service.refresh_from_db()
    # At most one pending revision: saved, so that the audit log has its change of state.
    for pending in ServiceRevision.objects.filter(
        service=service, state=ServiceRevision.State.SUBMITTED
    ):
        pending.state = ServiceRevision.State.WITHDRAWN
        pending.reviewed_at = timezone.now()
        pending.save(update_fields=["state", "reviewed_at"])
    revision = ServiceRevision.objects.create(service=service, data=data, submitted_by=by)
    _notify_moderators(service, "moderation_edit", revision_id=revision.pk)
    return revision


@transaction.atomic
def service_submit(*, service: Service, by) -> Service:
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.DRAFT:
        raise ValidationError(
            _("Solo una bozza può essere inviata in revisione (stato: %(state)s).")
            % {"state": service.get_review_state_display()}
        )
    service.review_state = Service.Review.SUBMITTED
    service.save(update_fields=["review_state", "last_modified"])
    _notify_moderators(service, "moderation_new", service_id=service.pk)
    return service


@transaction.atomic
def service_confirm(*, service: Service, by) -> Service:
    """The provider confirms the data are still correct: the review clock restarts and a stale
    (or hidden for staleness) service is public again."""
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state in (Service.Review.DRAFT, Service.Review.SUBMITTED):
        raise ValidationError(
            _("Il servizio non è ancora pubblicato: non c'è nulla da confermare.")
        )
    if service.review_state == Service.Review.HIDDEN and not service.stale_since:
        raise ValidationError(
            _("Il servizio è stato nascosto dall'operatore ATS: proponi una modifica.")
        )
    service.reviewed_at = timezone.now()
    service.stale_since = None
    service.review_state = Service.Review.PUBLISHED
    service.save(update_fields=["reviewed_at", "stale_since", "review_state", "last_modified"])
    indexing.index_service(service)
    return service
